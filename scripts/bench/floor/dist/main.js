// Report the first painted frame, as WABA Desk's UI does.
requestAnimationFrame(() =>
  requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke("ui_ready")),
);
