import type { Theme } from "./ipc/bindings/Theme";

const REMEMBERED = "wabadesk.theme";

/** Applies a theme to the document: "system" follows the OS via CSS media queries. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement) {
  if (theme === "system") {
    delete root.dataset.theme;
  } else {
    root.dataset.theme = theme;
  }
}

/**
 * Keeps the theme beside the webview too, so the very first frame has it before the
 * preferences arrive from the Rust side (no flash of the wrong theme). Not a secret.
 */
export function rememberTheme(theme: Theme) {
  try {
    localStorage.setItem(REMEMBERED, theme);
  } catch {
    // storage unavailable: the preferences still apply once loaded
  }
}

/** Applies the theme remembered from the last run, if any. */
export function applyRememberedTheme(root: HTMLElement = document.documentElement) {
  let theme: string | null = null;
  try {
    theme = localStorage.getItem(REMEMBERED);
  } catch {
    return;
  }
  if (theme === "light" || theme === "dark" || theme === "system") applyTheme(theme, root);
}
