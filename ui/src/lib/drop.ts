// Files dropped onto the window: a template JSON opens in the builder, a captured webhook
// payload (one event, an array, or JSON lines, as the inbox exports them) is imported into the
// inbox. Drop zones of their own (FilePick) handle their drops first.
import type { TemplateDraft } from "./ipc/bindings/TemplateDraft";
import { importInbox, importTemplate } from "./ipc/commands";

/** What a dropped file holds, judged by its first JSON value's shape. */
export function droppedKind(text: string): "capture" | "template" {
  const first = text.trimStart().split("\n")[0] ?? "";
  return /"whatsapp_business_account"|"entry"\s*:/.test(text.slice(0, 4096)) || /"entry"\s*:/.test(first) ? "capture" : "template";
}

let dropped: TemplateDraft | null = null;

/** The template draft a drop opened (once), for the Templates page. */
export function takeDroppedDraft(): TemplateDraft | null {
  const d = dropped;
  dropped = null;
  return d;
}

/** Handles a dropped file; answers the words to show. Errors carry the core's message. */
export async function handleDrop(file: File): Promise<string> {
  const text = await file.text();
  if (droppedKind(text) === "capture") {
    const r = await importInbox(text);
    location.hash = "#/inbox";
    return `${file.name}: ${r.total} events, ${r.new} new, ${r.duplicates} already known.`;
  }
  dropped = await importTemplate(text);
  location.hash = `#/templates?dropped=${Date.now()}`;
  return `${file.name} opened in the template builder.`;
}
