// Report the first painted frame, as WABA Desk's UI does (with the page's own time since its
// navigation started).
requestAnimationFrame(() =>
  requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke("ui_ready", { pageMs: Math.round(performance.now()) })),
);
