// Presentation helpers for templates: WhatsApp text formatting, placeholder filling for the
// preview. Meta's rules, language codes and authentication texts live in the core (checkTemplate,
// the vocabulary).
import type { ButtonDraft } from "./ipc/bindings/ButtonDraft";
import type { CardDraft } from "./ipc/bindings/CardDraft";
import type { TemplateDraft } from "./ipc/bindings/TemplateDraft";
import { authenticationBody, authenticationFooter, VOCABULARY } from "./vocabulary";

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
export type PreviewCard = { headerFormat: string; headerHandle?: string; body: string; buttons: PreviewButton[] };
export type PreviewOffer = { text: string; expiry: string | null; code: string | null };
export type PreviewModel = {
  headerFormat: string;
  /** A media header's sample handle: the preview shows the picked file when this window uploaded it. */
  headerHandle?: string;
  headerText: string;
  body: string;
  footer: string;
  buttons: PreviewButton[];
  /** Carousel cards, shown in a row under the message. */
  cards?: PreviewCard[];
  /** A limited-time offer's strip. */
  offer?: PreviewOffer | null;
  /** Location header: the pin's name and address (given at send time; placeholders before). */
  location?: { name: string; address: string } | null;
  /** Components the preview cannot draw (call permission request, …), named. */
  others?: string[];
};

/** How long a sample offer runs in previews (the real end is given with each send). */
export const SAMPLE_OFFER_MS = 24 * 60 * 60 * 1000;

/** WhatsApp's countdown under an offer: "Ends in 2 days", "Ends in 05:12:09", "Offer ended". */
export function offerCountdown(remainingMs: number): string {
  if (remainingMs <= 0) return "Offer ended";
  const s = Math.floor(remainingMs / 1000);
  const days = Math.floor(s / 86400);
  if (days >= 2) return `Ends in ${days} days`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return `Ends in ${two(h)}:${two(m)}:${two(sec)}`;
}

const LOCATION_SAMPLE = { name: "Location name", address: "Address, given with each send" };

function buttonLabel(b: { kind: string; text: string; otp_type?: string }): PreviewButton {
  const kind = b.kind.toUpperCase();
  if (kind === "COPY_CODE") return { kind, text: b.text || "Copy offer code" };
  if (kind === "OTP") return { kind, text: b.text || (b.otp_type === "ONE_TAP" ? "Autofill" : "Copy code") };
  return { kind, text: b.text };
}

/** The builder's template types, as the type picker offers them. */
export type TemplateType = "STANDARD" | "CAROUSEL_MEDIA" | "CAROUSEL_PRODUCT" | "LIMITED_TIME_OFFER" | "AUTHENTICATION";

export const TEMPLATE_TYPES: { value: TemplateType; label: string; hint: string }[] = [
  { value: "STANDARD", label: "Standard", hint: "Text, media, document or location header, body, footer and buttons." },
  { value: "CAROUSEL_MEDIA", label: "Carousel — media cards", hint: "A message and 2–10 scrollable cards, each with an image or video, text and buttons (marketing)." },
  { value: "CAROUSEL_PRODUCT", label: "Carousel — product cards", hint: "A message and 2–10 cards, each showing a catalog product (marketing)." },
  { value: "LIMITED_TIME_OFFER", label: "Limited-time offer", hint: "An offer with its end shown as a countdown, a coupon code and a link (marketing)." },
  { value: "AUTHENTICATION", label: "Authentication", hint: "Meta's one-time password message with a copy-code, one-tap or zero-tap button." },
];

/** The type a draft is edited as (a draft saved before types existed goes by its category). */
export function templateType(d: TemplateDraft): TemplateType {
  const kind = (d.kind ?? "").toUpperCase();
  if (kind === "CAROUSEL") return d.cards?.[0]?.header.format === "PRODUCT" ? "CAROUSEL_PRODUCT" : "CAROUSEL_MEDIA";
  if (kind === "LIMITED_TIME_OFFER") return "LIMITED_TIME_OFFER";
  if (kind === "AUTHENTICATION" || (kind === "" && d.category.toUpperCase() === "AUTHENTICATION")) return "AUTHENTICATION";
  return "STANDARD";
}

/** A card like `like` (same header type and buttons, values cleared), or a first card. */
export function newCard(like: CardDraft | null, format: string): CardDraft {
  const buttons = like
    ? like.buttons.map((b) => ({ ...newButton(b.kind), text: b.text }))
    : format === "PRODUCT"
      ? [{ ...newButton("SPM"), text: "View" }]
      : [newButton("QUICK_REPLY")];
  return { header: { format, text: "", sample: "", handle: "" }, body: "", body_samples: {}, buttons };
}

/**
 * The draft edited as another type. Nothing the user typed is dropped: fields the new type has
 * no place for stay in the draft (and come back when switching back); only what the new type
 * needs is added (a category it requires, two cards, the offer's buttons, the OTP button).
 */
export function switchType(d: TemplateDraft, type: TemplateType): TemplateDraft {
  switch (type) {
    case "STANDARD":
      return { ...d, kind: "STANDARD", category: d.category === "AUTHENTICATION" ? "UTILITY" : d.category };
    case "CAROUSEL_MEDIA":
    case "CAROUSEL_PRODUCT": {
      const format = type === "CAROUSEL_PRODUCT" ? "PRODUCT" : "IMAGE";
      const product = format === "PRODUCT";
      const wasProduct = d.cards[0]?.header.format === "PRODUCT";
      let cards = d.cards;
      if (cards.length === 0 || product !== wasProduct) {
        cards = [newCard(null, format), newCard(null, format)];
        if (d.cards.length > 0) cards = d.cards.map((c) => ({ ...newCard(null, format), body: c.body, body_samples: c.body_samples }));
      }
      return { ...d, kind: "CAROUSEL", category: "MARKETING", cards };
    }
    case "LIMITED_TIME_OFFER": {
      const buttons = d.buttons.length > 0 ? d.buttons : [newButton("COPY_CODE"), newButton("URL")];
      return { ...d, kind: "LIMITED_TIME_OFFER", category: "MARKETING", buttons };
    }
    case "AUTHENTICATION": {
      const buttons = d.buttons.some((b) => b.kind === "OTP") ? d.buttons : [...d.buttons, { ...newButton("OTP"), text: "Copy code" }];
      return { ...d, kind: "AUTHENTICATION", category: "AUTHENTICATION", buttons };
    }
  }
}

/** A draft from the core or an older save, with every field the builder edits present. */
export function completeDraft(d: Partial<TemplateDraft>): TemplateDraft {
  const e = emptyDraft();
  // No type yet: the core (and templateType) go by the category.
  return { ...e, kind: "", ...d, header: { ...e.header, ...d.header }, offer: { ...e.offer, ...d.offer } };
}

function offerOf(text: string, hasExpiration: boolean, code: string | null, remainingMs = SAMPLE_OFFER_MS): PreviewOffer {
  return { text, expiry: hasExpiration ? offerCountdown(remainingMs) : null, code: code || null };
}

/** The preview of a draft with its samples filled in. */
export function previewOfDraft(d: TemplateDraft): PreviewModel {
  const type = templateType(d);
  const auth = d.category.toUpperCase() === "AUTHENTICATION";
  let body = fill(d.body, (n) => d.body_samples[n]);
  if (auth && !d.body.trim()) {
    body = authenticationBody(d.add_security_recommendation);
  }
  const footer =
    auth && d.code_expiration_minutes !== null
      ? authenticationFooter(d.code_expiration_minutes)
      : d.footer;
  const carousel = type === "CAROUSEL_MEDIA" || type === "CAROUSEL_PRODUCT";
  const offer = type === "LIMITED_TIME_OFFER";
  const headerFormat = carousel ? "NONE" : d.header.format.toUpperCase();
  return {
    headerFormat,
    headerHandle: d.header.handle || undefined,
    headerText: fill(d.header.text, () => d.header.sample),
    body,
    footer: carousel || offer ? "" : footer,
    buttons: carousel ? [] : d.buttons.map((b: ButtonDraft) => buttonLabel(b)),
    cards: carousel
      ? d.cards.map((c) => ({
          headerFormat: c.header.format.toUpperCase(),
          headerHandle: c.header.handle || undefined,
          body: fill(c.body, (n) => c.body_samples[n]),
          buttons: c.buttons.map((b) => buttonLabel(b)),
        }))
      : [],
    offer: offer ? offerOf(d.offer.text, d.offer.has_expiration, d.buttons.find((b) => b.kind === "COPY_CODE")?.code_sample ?? null) : null,
    location: headerFormat === "LOCATION" ? LOCATION_SAMPLE : null,
    others: (d.extra_components ?? []).map((c) => componentName(c)),
  };
}

type RawButton = { type?: string; text?: string; otp_type?: string; example?: unknown };
type Component = {
  type?: string;
  format?: string;
  text?: string;
  add_security_recommendation?: boolean;
  code_expiration_minutes?: number;
  buttons?: RawButton[];
  cards?: { components?: Component[] }[];
  limited_time_offer?: { text?: string; has_expiration?: boolean };
};

function componentName(c: unknown): string {
  const t = String((c as Component)?.type ?? "component").toLowerCase();
  return t.replace(/_/g, " ").replace(/^./, (x) => x.toUpperCase());
}

const KNOWN = ["HEADER", "BODY", "FOOTER", "BUTTONS", "CAROUSEL", "LIMITED_TIME_OFFER"];

/**
 * The preview of a synced template with the test-send form's values, keyed by the core's field
 * paths: `header.<name>`, `body.<name>`, `otp`, `header.location.name`/`.address`,
 * `cards.<n>.body.<name>`, `buttons.<i>.coupon_code`, `limited_time_offer.expiration_time_ms`.
 */
export function previewOfComponents(components: unknown, values: Record<string, string>): PreviewModel {
  const list = Array.isArray(components) ? (components as Component[]) : [];
  const of = (t: string, from: Component[] = list) => from.find((c) => (c.type ?? "").toUpperCase() === t);
  const header = of("HEADER");
  const otp = values["otp"];
  const bodyC = of("BODY");
  const footerC = of("FOOTER");
  let body = fill(bodyC?.text ?? "", (n) => values[`body.${n}`] ?? otp);
  const rawButtons = of("BUTTONS")?.buttons ?? [];
  const auth = bodyC !== undefined && !bodyC.text && (bodyC.add_security_recommendation !== undefined || rawButtons.some((b) => (b.type ?? "").toUpperCase() === "OTP"));
  if (auth) {
    const code = otp ?? VOCABULARY.authentication.sample_code;
    body = authenticationBody(bodyC.add_security_recommendation === true).replace(VOCABULARY.authentication.sample_code, code);
  }
  const footer =
    typeof footerC?.code_expiration_minutes === "number" ? authenticationFooter(footerC.code_expiration_minutes) : (footerC?.text ?? "");
  const buttons = (of("BUTTONS")?.buttons ?? []).map((b) => buttonLabel({ kind: b.type ?? "", text: b.text ?? "", otp_type: b.otp_type?.toUpperCase() }));
  const carousel = of("CAROUSEL");
  const lto = of("LIMITED_TIME_OFFER");
  const headerFormat = (header?.format ?? "NONE").toUpperCase();
  const codeAt = rawButtons.findIndex((b) => (b.type ?? "").toUpperCase() === "COPY_CODE");
  const sampleCode = codeAt >= 0 && typeof rawButtons[codeAt].example === "string" ? (rawButtons[codeAt].example as string) : null;
  const endsAt = Number(values["limited_time_offer.expiration_time_ms"]);
  return {
    headerFormat,
    headerText: fill(header?.text ?? "", (n) => values[`header.${n}`]),
    body,
    footer,
    buttons,
    cards: (carousel?.cards ?? []).map((card, i) => {
      const cs = card.components ?? [];
      return {
        headerFormat: (of("HEADER", cs)?.format ?? "NONE").toUpperCase(),
        body: fill(of("BODY", cs)?.text ?? "", (n) => values[`cards.${i}.body.${n}`]),
        buttons: (of("BUTTONS", cs)?.buttons ?? []).map((b) => buttonLabel({ kind: b.type ?? "", text: b.text ?? "" })),
      };
    }),
    offer: lto
      ? offerOf(
          lto.limited_time_offer?.text ?? "",
          lto.limited_time_offer?.has_expiration === true,
          (codeAt >= 0 && values[`buttons.${codeAt}.coupon_code`]) || sampleCode,
          endsAt > 0 ? endsAt - Date.now() : SAMPLE_OFFER_MS,
        )
      : null,
    location:
      headerFormat === "LOCATION"
        ? { name: values["header.location.name"] || LOCATION_SAMPLE.name, address: values["header.location.address"] || LOCATION_SAMPLE.address }
        : null,
    others: list.filter((c) => !KNOWN.includes((c.type ?? "").toUpperCase())).map((c) => componentName(c)),
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
    kind: "STANDARD",
    cards: [],
    offer: { text: "", has_expiration: true },
    extra_components: [],
    extra: {},
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
