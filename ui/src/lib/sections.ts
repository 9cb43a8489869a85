/** The sidebar: one entry per section of the app, in order. */
export const SECTIONS = [
  { id: "numbers", label: "Numbers", icon: "☎" },
  { id: "webhook", label: "Webhook", icon: "⇄" },
  { id: "templates", label: "Templates", icon: "▤" },
  { id: "send", label: "Send", icon: "➤" },
  { id: "history", label: "History", icon: "◷" },
  { id: "insights", label: "Insights", icon: "▥" },
  { id: "inbox", label: "Inbox", icon: "⬇" },
  { id: "audit", label: "Audit log", icon: "☰" },
  { id: "settings", label: "Settings", icon: "⚙" },
] as const;

export type SectionId = (typeof SECTIONS)[number]["id"];

export function sectionFromHash(hash: string): SectionId {
  // A section's address may carry its filters after `?` (`#/history?status=failed`).
  const id = hash.replace(/^#\/?/, "").split("?")[0];
  return SECTIONS.find((s) => s.id === id)?.id ?? "numbers";
}
