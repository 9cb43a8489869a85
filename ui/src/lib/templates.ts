// Presentation helpers for templates: WhatsApp text formatting, placeholder filling for the
// preview, and Meta's language codes. Meta's rules themselves live in the core (checkTemplate).
import type { ButtonDraft } from "./ipc/bindings/ButtonDraft";
import type { TemplateDraft } from "./ipc/bindings/TemplateDraft";

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
    body = "*123456* is your verification code.";
    if (d.add_security_recommendation) body += " For your security, do not share this code.";
  }
  const footer =
    auth && d.code_expiration_minutes !== null
      ? `This code expires in ${d.code_expiration_minutes} minutes.`
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
    text: kind === "QUICK_REPLY" ? "" : kind === "URL" ? "" : kind === "PHONE_NUMBER" ? "Call us" : "",
    url: kind === "URL" ? "https://" : "",
    url_sample: "",
    phone_number: "",
    code_sample: "",
    otp_type: kind === "OTP" ? "COPY_CODE" : "",
    extra: {},
  };
}

/** Meta's template language codes. */
export const LANGUAGES: [string, string][] = [
  ["af", "Afrikaans"], ["sq", "Albanian"], ["ar", "Arabic"], ["ar_EG", "Arabic (Egypt)"], ["ar_AE", "Arabic (UAE)"],
  ["ar_LB", "Arabic (Lebanon)"], ["ar_MA", "Arabic (Morocco)"], ["ar_QA", "Arabic (Qatar)"], ["az", "Azerbaijani"],
  ["be_BY", "Belarusian"], ["bn", "Bengali"], ["bn_IN", "Bengali (India)"], ["bg", "Bulgarian"], ["ca", "Catalan"],
  ["zh_CN", "Chinese (China)"], ["zh_HK", "Chinese (Hong Kong)"], ["zh_TW", "Chinese (Taiwan)"], ["hr", "Croatian"],
  ["cs", "Czech"], ["da", "Danish"], ["prs_AF", "Dari"], ["nl", "Dutch"], ["nl_BE", "Dutch (Belgium)"], ["en", "English"],
  ["en_GB", "English (UK)"], ["en_US", "English (US)"], ["en_AE", "English (UAE)"], ["en_AU", "English (Australia)"],
  ["en_CA", "English (Canada)"], ["en_GH", "English (Ghana)"], ["en_IE", "English (Ireland)"], ["en_IN", "English (India)"],
  ["en_JM", "English (Jamaica)"], ["en_MY", "English (Malaysia)"], ["en_NZ", "English (New Zealand)"],
  ["en_QA", "English (Qatar)"], ["en_SG", "English (Singapore)"], ["en_UG", "English (Uganda)"],
  ["en_ZA", "English (South Africa)"], ["et", "Estonian"], ["fil", "Filipino"], ["fi", "Finnish"], ["fr", "French"],
  ["fr_BE", "French (Belgium)"], ["fr_CA", "French (Canada)"], ["fr_CH", "French (Switzerland)"],
  ["fr_CI", "French (Ivory Coast)"], ["fr_MA", "French (Morocco)"], ["ka", "Georgian"], ["de", "German"],
  ["de_AT", "German (Austria)"], ["de_CH", "German (Switzerland)"], ["el", "Greek"], ["gu", "Gujarati"], ["ha", "Hausa"],
  ["he", "Hebrew"], ["hi", "Hindi"], ["hu", "Hungarian"], ["id", "Indonesian"], ["ga", "Irish"], ["it", "Italian"],
  ["ja", "Japanese"], ["kn", "Kannada"], ["kk", "Kazakh"], ["rw_RW", "Kinyarwanda"], ["ko", "Korean"],
  ["ky_KG", "Kyrgyz"], ["lo", "Lao"], ["lv", "Latvian"], ["lt", "Lithuanian"], ["mk", "Macedonian"], ["ms", "Malay"],
  ["ml", "Malayalam"], ["mr", "Marathi"], ["nb", "Norwegian"], ["ps_AF", "Pashto"], ["fa", "Persian"], ["pl", "Polish"],
  ["pt_BR", "Portuguese (Brazil)"], ["pt_PT", "Portuguese (Portugal)"], ["pa", "Punjabi"], ["ro", "Romanian"],
  ["ru", "Russian"], ["sr", "Serbian"], ["si_LK", "Sinhala"], ["sk", "Slovak"], ["sl", "Slovenian"], ["es", "Spanish"],
  ["es_AR", "Spanish (Argentina)"], ["es_CL", "Spanish (Chile)"], ["es_CO", "Spanish (Colombia)"],
  ["es_CR", "Spanish (Costa Rica)"], ["es_DO", "Spanish (Dominican Republic)"], ["es_EC", "Spanish (Ecuador)"],
  ["es_HN", "Spanish (Honduras)"], ["es_MX", "Spanish (Mexico)"], ["es_PA", "Spanish (Panama)"], ["es_PE", "Spanish (Peru)"],
  ["es_ES", "Spanish (Spain)"], ["es_UY", "Spanish (Uruguay)"], ["sw", "Swahili"], ["sv", "Swedish"], ["ta", "Tamil"],
  ["te", "Telugu"], ["th", "Thai"], ["tr", "Turkish"], ["uk", "Ukrainian"], ["ur", "Urdu"], ["uz", "Uzbek"],
  ["vi", "Vietnamese"], ["zu", "Zulu"],
];
