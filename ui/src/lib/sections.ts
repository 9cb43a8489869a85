/** The sidebar: one entry per section of the app, in order. */
export const SECTIONS = [
  { id: "numbers", label: "Numbers", icon: "☎" },
  { id: "webhook", label: "Webhook", icon: "⇄" },
  { id: "templates", label: "Templates", icon: "▤" },
  { id: "send", label: "Send", icon: "➤" },
  { id: "history", label: "History", icon: "◷" },
  { id: "insights", label: "Insights", icon: "▥" },
  { id: "inbox", label: "Inbox", icon: "⬇" },
  { id: "setup", label: "Setup", icon: "✓" },
  { id: "audit", label: "Audit log", icon: "☰" },
  { id: "partner", label: "Partner", icon: "◈" },
  { id: "settings", label: "Settings", icon: "⚙" },
] as const;

export type SectionId = (typeof SECTIONS)[number]["id"];

export function sectionFromHash(hash: string): SectionId {
  // A section's address may carry its filters after `?` (`#/history?status=failed`).
  const id = hash.replace(/^#\/?/, "").split("?")[0];
  return SECTIONS.find((s) => s.id === id)?.id ?? "numbers";
}

/**
 * The key that, with Ctrl/Cmd, jumps to the section at `i`: Settings on Ctrl+, as desktop apps
 * have it, the others 1…9 and then 0 in sidebar order.
 */
export function shortcutKey(i: number): string | null {
  if (SECTIONS[i]?.id === "settings") return ",";
  return i < 9 ? String(i + 1) : i === 9 ? "0" : null;
}

/** The parameters of a route (`#/templates?number=…&name=…`, what a `wabadesk://` link opens). */
export function routeParams(hash: string): URLSearchParams {
  const at = hash.indexOf("?");
  return new URLSearchParams(at < 0 ? "" : hash.slice(at + 1));
}
