import type { Theme } from "./ipc/bindings/Theme";

/** Applies a theme to the document: "system" follows the OS via CSS media queries. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement) {
  if (theme === "system") {
    delete root.dataset.theme;
  } else {
    root.dataset.theme = theme;
  }
}
