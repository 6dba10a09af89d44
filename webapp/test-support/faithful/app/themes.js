// Mattermost's two reference themes (Denim, the default, and Onyx) as the CSS variables the
// host's applyTheme sets on <html> (utils/utils.tsx). Shared by the host, which applies Denim at
// boot as Mattermost applies a user's theme, and by the tests, which switch to Onyx.
export const THEMES = {
    denim: {
        'center-channel-bg': '#ffffff', 'center-channel-bg-rgb': '255, 255, 255',
        'center-channel-color': '#3f4350', 'center-channel-color-rgb': '63, 67, 80',
        'button-bg': '#1c58d9', 'button-bg-rgb': '28, 88, 217', 'button-color': '#ffffff', 'button-color-rgb': '255, 255, 255',
        'link-color': '#386fe5', 'error-text': '#d24b4e', 'error-text-color-rgb': '210, 75, 78',
        'online-indicator': '#3db887', 'online-indicator-rgb': '61, 184, 135',
        'sidebar-bg': '#1e325c', 'sidebar-text': '#ffffff', 'sidebar-header-bg': '#192a4d',
    },
    onyx: {
        'center-channel-bg': '#191b1f', 'center-channel-bg-rgb': '25, 27, 31',
        'center-channel-color': '#e3e4e8', 'center-channel-color-rgb': '227, 228, 232',
        'button-bg': '#4a7ce8', 'button-bg-rgb': '74, 124, 232', 'button-color': '#ffffff', 'button-color-rgb': '255, 255, 255',
        'link-color': '#5d89ea', 'error-text': '#da6c6e', 'error-text-color-rgb': '218, 108, 110',
        'online-indicator': '#3db887', 'online-indicator-rgb': '61, 184, 135',
        'sidebar-bg': '#202228', 'sidebar-text': '#ffffff', 'sidebar-header-bg': '#24272d',
    },
};
