// React 17 has no react-dom/client; the host falls back to ReactDOM.render.
export const createRoot = undefined;
