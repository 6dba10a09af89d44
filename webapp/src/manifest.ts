// The plugin id. Must match "id" in the repository's plugin.json.
export const id = 'incident-response';

const manifest = {id} as const;
export default manifest;
