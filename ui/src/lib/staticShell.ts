import { SECTIONS, shortcutKey } from "./sections";

/** Where the static shell goes in index.html (replaced at build time, see vite.config.ts). */
export const STATIC_SHELL_MARK = "<!--static-shell-->";

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/**
 * The window's first page as plain HTML, painted by the webview before the UI's script loads:
 * the same sidebar (brand, sections, shortcuts) as the app's shell, and the page's frame with
 * the first section's title (boot.ts fixes the current section before the first frame). React
 * replaces it when the app renders.
 */
export function staticShellHtml(): string {
  const links = SECTIONS.map((s, i) => {
    const key = shortcutKey(i);
    const title = key ? `${s.label} (Ctrl+${key})` : s.label;
    return (
      `<li><a href="#/${s.id}" data-section="${s.id}" title="${escape(title)}">` +
      `<span class="sidebar__icon" aria-hidden="true">${escape(s.icon)}</span>` +
      `<span class="sidebar__label">${escape(s.label)}</span></a></li>`
    );
  }).join("");
  const first = SECTIONS[0];
  return (
    `<div class="shell" id="static-shell">` +
    `<nav class="sidebar" aria-label="Sections">` +
    `<div class="brand"><span class="brand__mark" aria-hidden="true">W</span><span>WABA Desk</span></div>` +
    `<ul>${links}</ul></nav>` +
    `<main class="page" aria-busy="true"><header class="page__header"><h1>${escape(first.label)}</h1></header></main>` +
    `</div>`
  );
}

/**
 * Marks the current section (from the address) in the static shell, as the app's sidebar does,
 * and titles its page accordingly.
 */
export function markStaticSection(doc: Document, id: string) {
  const shell = doc.getElementById("static-shell");
  if (!shell) return;
  for (const a of shell.querySelectorAll<HTMLAnchorElement>("a[data-section]")) {
    if (a.dataset.section === id) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const label = SECTIONS.find((s) => s.id === id)?.label;
  const h1 = shell.querySelector("h1");
  if (h1 && label) h1.textContent = label;
}
