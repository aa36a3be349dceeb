// `react-dom/client` for the demo page: the UMD build's window.ReactDOM as an ES module.
export const { createRoot, hydrateRoot } = window.ReactDOM;
