// Presentation helpers for templates: WhatsApp text formatting, placeholder filling for the
// preview. Meta's rules, language codes and authentication texts live in the core (checkTemplate,
// the vocabulary).
import type { ButtonDraft } from "./ipc/bindings/ButtonDraft";
import type { TemplateDraft } from "./ipc/bindings/TemplateDraft";
import { authenticationBody, authenticationFooter } from "./vocabulary";

export type Span = { text: string; bold?: boolean; italic?: boolean; strike?: boolean; mono?: boolean };

/**
 * WhatsApp's markup: *bold*, _italic_, ~strike~, ```monospace```. A marker counts only when it
 * opens before a non-space and closes after one, as in the app.
 */
export function formatWhatsApp(text: string): Span[] {
  const out: Span[] = [];
  const re = /```([\s\S]+?)```|\*(\S(?:[^*\n]*\S)?)\*|_(\S(?:[^_\n]*\S)?)_|~(\S(?:[^~\n]*\S)?)~/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ text: m[1], mono: true });
    else if (m[2] !== undefined) out.push(...formatWhatsApp(m[2]).map((s) => ({ ...s, bold: true })));
    else if (m[3] !== undefined) out.push(...formatWhatsApp(m[3]).map((s) => ({ ...s, italic: true })));
    else if (m[4] !== undefined) out.push(...formatWhatsApp(m[4]).map((s) => ({ ...s, strike: true })));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** Replaces `{{name}}` with its value; an empty value keeps the placeholder visible. */
export function fill(text: string, value: (name: string) => string | undefined): string {
  return text.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (whole, name: string) => {
    const v = value(name);
    return v ? v : whole;
  });
}

export type PreviewButton = { kind: string; text: string };
export type PreviewModel = {
  headerFormat: string;
  headerText: string;
  body: string;
  footer: string;
  buttons: PreviewButton[];
};

function buttonLabel(b: { kind: string; text: string; otp_type?: string }): PreviewButton {
  const kind = b.kind.toUpperCase();
  if (kind === "COPY_CODE") return { kind, text: b.text || "Copy offer code" };
  if (kind === "OTP") return { kind, text: b.text || (b.otp_type === "ONE_TAP" ? "Autofill" : "Copy code") };
  return { kind, text: b.text };
}

/** The preview of a draft with its samples filled in. */
export function previewOfDraft(d: TemplateDraft): PreviewModel {
  const auth = d.category.toUpperCase() === "AUTHENTICATION";
  let body = fill(d.body, (n) => d.body_samples[n]);
  if (auth && !d.body.trim()) {
    body = authenticationBody(d.add_security_recommendation);
  }
  const footer =
    auth && d.code_expiration_minutes !== null
      ? authenticationFooter(d.code_expiration_minutes)
      : d.footer;
  return {
    headerFormat: d.header.format.toUpperCase(),
    headerText: fill(d.header.text, () => d.header.sample),
    body,
    footer,
    buttons: d.buttons.map((b: ButtonDraft) => buttonLabel(b)),
  };
}

type Component = { type?: string; format?: string; text?: string; buttons?: { type?: string; text?: string; otp_type?: string }[] };

/** The preview of a synced template with the test-send form's values (keys as the core names them). */
export function previewOfComponents(components: unknown, values: Record<string, string>): PreviewModel {
  const list = Array.isArray(components) ? (components as Component[]) : [];
  const of = (t: string) => list.find((c) => (c.type ?? "").toUpperCase() === t);
  const header = of("HEADER");
  const otp = values["otp"];
  return {
    headerFormat: (header?.format ?? "NONE").toUpperCase(),
    headerText: fill(header?.text ?? "", () => values["header"]),
    body: fill(of("BODY")?.text ?? "", (n) => values[`body.${n}`] ?? otp),
    footer: of("FOOTER")?.text ?? "",
    buttons: (of("BUTTONS")?.buttons ?? []).map((b) =>
      buttonLabel({ kind: b.type ?? "", text: b.text ?? "", otp_type: b.otp_type }),
    ),
  };
}

export function emptyDraft(): TemplateDraft {
  return {
    name: "",
    category: "UTILITY",
    language: "en_US",
    named: false,
    allow_category_change: false,
    header: { format: "NONE", text: "", sample: "", handle: "" },
    body: "",
    body_samples: {},
    add_security_recommendation: true,
    footer: "",
    code_expiration_minutes: null,
    buttons: [],
  };
}

export function newButton(kind: string): ButtonDraft {
  return {
    kind,
    // Every field starts empty (the form shows placeholders): a pre-filled "https://" or label
    // would be typed after ("https://https://shop…").
    text: "",
    url: "",
    url_sample: "",
    phone_number: "",
    code_sample: "",
    otp_type: kind === "OTP" ? "COPY_CODE" : "",
    extra: {},
  };
}

/**
 * The next variable for the body: `{{n+1}}` after the highest numbered one, or, for named
 * variables, `{{var_k}}` with the first k not used yet.
 */
export function nextVariable(body: string, named: boolean): string {
  const used = [...body.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[1]);
  if (named) {
    let k = used.length + 1;
    while (used.includes(`var_${k}`)) k++;
    return `var_${k}`;
  }
  const max = used.reduce((m, n) => (/^\d+$/.test(n) ? Math.max(m, Number(n)) : m), 0);
  return String(max + 1);
}

/** Inserts `{{name}}` at `at` (the caret; the end when null), with a space before it when needed. */
export function insertVariable(body: string, name: string, at: number | null): { body: string; caret: number } {
  const pos = at === null ? body.length : Math.min(at, body.length);
  const before = body.slice(0, pos);
  const token = `${before && !/\s$/.test(before) ? " " : ""}{{${name}}}`;
  return { body: before + token + body.slice(pos), caret: pos + token.length };
}

/** Meta's template language codes (the core's list). */
export { LANGUAGES } from "./vocabulary";
