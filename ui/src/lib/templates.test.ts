import { describe, expect, it } from "vitest";
import { completeDraft, emptyDraft, fill, formatWhatsApp, newButton, offerCountdown, previewOfComponents, previewOfDraft, switchType, templateType } from "./templates";

describe("WhatsApp formatting", () => {
  it("marks bold, italic, strike and monospace, nested too", () => {
    expect(formatWhatsApp("Hi *Ana*, _soon_ ~old~ ```code```")).toEqual([
      { text: "Hi " },
      { text: "Ana", bold: true },
      { text: ", " },
      { text: "soon", italic: true },
      { text: " " },
      { text: "old", strike: true },
      { text: " " },
      { text: "code", mono: true },
    ]);
    expect(formatWhatsApp("*bold _and italic_*")).toEqual([
      { text: "bold ", bold: true },
      { text: "and italic", bold: true, italic: true },
    ]);
  });
  it("leaves lone or spaced markers alone", () => {
    expect(formatWhatsApp("2 * 3 = 6 and snake_case")).toEqual([{ text: "2 * 3 = 6 and snake_case" }]);
    expect(formatWhatsApp("* not bold *")).toEqual([{ text: "* not bold *" }]);
  });
});

describe("preview", () => {
  it("fills placeholders with samples and keeps unfilled ones visible", () => {
    expect(fill("Hi {{1}}, order {{2}}", (n) => ({ "1": "Ana" })[n])).toBe("Hi Ana, order {{2}}");
    const d = { ...emptyDraft(), body: "Hi {{first_name}}", named: true, body_samples: { first_name: "Jo" } };
    d.header = { format: "TEXT", text: "Order {{1}}", sample: "A-1", handle: "" };
    d.buttons = [{ kind: "URL", text: "Track", url: "https://x/{{1}}", url_sample: "", phone_number: "", code_sample: "", otp_type: "", extra: {} }];
    expect(previewOfDraft(d)).toEqual({
      headerFormat: "TEXT",
      headerText: "Order A-1",
      body: "Hi Jo",
      footer: "",
      buttons: [{ kind: "URL", text: "Track" }],
      cards: [],
      offer: null,
      location: null,
      others: [],
    });
  });
  it("shows what Meta writes for authentication templates", () => {
    const d = { ...emptyDraft(), category: "AUTHENTICATION", code_expiration_minutes: 10 };
    const p = previewOfDraft(d);
    expect(p.body).toContain("is your verification code");
    expect(p.footer).toBe("This code expires in 10 minutes.");
  });
  it("renders a synced template with the send form's values", () => {
    const components = [
      { type: "HEADER", format: "IMAGE" },
      { type: "BODY", text: "Hi {{1}}, see {{2}}" },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Stop" }] },
    ];
    const p = previewOfComponents(components, { "body.1": "Ana" });
    expect(p.headerFormat).toBe("IMAGE");
    expect(p.body).toBe("Hi Ana, see {{2}}");
    expect(p.buttons).toEqual([{ kind: "QUICK_REPLY", text: "Stop" }]);
  });
});

describe("template types", () => {
  it("switching type adds only what the type needs and keeps what was typed", () => {
    const d = { ...emptyDraft(), body: "Hi {{1}}", body_samples: { "1": "Ana" }, footer: "Bye", buttons: [{ ...newButton("QUICK_REPLY"), text: "Stop" }] };
    const c = switchType(d, "CAROUSEL_MEDIA");
    expect(c.kind).toBe("CAROUSEL");
    expect(c.category).toBe("MARKETING");
    expect(c.cards.map((k) => k.header.format)).toEqual(["IMAGE", "IMAGE"]);
    expect(templateType(c)).toBe("CAROUSEL_MEDIA");
    // Back to standard: the footer and buttons typed before are still there.
    const s = switchType(c, "STANDARD");
    expect(s.footer).toBe("Bye");
    expect(s.buttons[0].text).toBe("Stop");
    expect(s.cards).toHaveLength(2);
    const p = switchType(s, "CAROUSEL_PRODUCT");
    expect(p.cards.every((k) => k.header.format === "PRODUCT" && k.buttons[0].kind === "SPM")).toBe(true);
    expect(templateType(p)).toBe("CAROUSEL_PRODUCT");
    const o = switchType(emptyDraft(), "LIMITED_TIME_OFFER");
    expect(o.buttons.map((b) => b.kind)).toEqual(["COPY_CODE", "URL"]);
    const a = switchType(d, "AUTHENTICATION");
    expect(a.category).toBe("AUTHENTICATION");
    expect(a.buttons.map((b) => b.kind)).toEqual(["QUICK_REPLY", "OTP"]);
    expect(switchType(a, "STANDARD").category).toBe("UTILITY");
  });
  it("an older saved draft opens with every field and by its category", () => {
    const old = { name: "x", category: "AUTHENTICATION", header: { format: "NONE", text: "", sample: "", handle: "" } };
    const d = completeDraft(old as never);
    expect(d.cards).toEqual([]);
    expect(d.offer.text).toBe("");
    expect(templateType(d)).toBe("AUTHENTICATION");
  });
});

describe("preview of every type", () => {
  it("draws a carousel's cards with their media, text and buttons", () => {
    const d = switchType({ ...emptyDraft(), body: "Our picks" }, "CAROUSEL_MEDIA");
    d.cards[0] = { ...d.cards[0], body: "Only {{1}} left", body_samples: { "1": "3" }, buttons: [{ ...newButton("URL"), text: "Shop" }] };
    d.cards[1] = { ...d.cards[1], header: { ...d.cards[1].header, format: "VIDEO" } };
    const p = previewOfDraft(d);
    expect(p.body).toBe("Our picks");
    expect(p.cards).toEqual([
      { headerFormat: "IMAGE", body: "Only 3 left", buttons: [{ kind: "URL", text: "Shop" }] },
      { headerFormat: "VIDEO", body: "", buttons: [{ kind: "QUICK_REPLY", text: "" }] },
    ]);
    expect(p.footer).toBe("");
  });
  it("draws an offer's strip with its countdown and code", () => {
    const d = switchType({ ...emptyDraft(), body: "Use it", footer: "hidden" }, "LIMITED_TIME_OFFER");
    d.offer = { text: "Expiring offer!", has_expiration: true };
    d.buttons[0] = { ...d.buttons[0], code_sample: "CARIBE25" };
    const p = previewOfDraft(d);
    expect(p.offer).toEqual({ text: "Expiring offer!", expiry: "Ends in 24:00:00", code: "CARIBE25" });
    expect(p.footer).toBe("");
    expect(previewOfDraft({ ...d, offer: { text: "Sale", has_expiration: false } }).offer?.expiry).toBeNull();
  });
  it("counts an offer down as WhatsApp does", () => {
    expect(offerCountdown(3 * 86400_000)).toBe("Ends in 3 days");
    expect(offerCountdown(5 * 3600_000 + 12 * 60_000 + 9_000)).toBe("Ends in 05:12:09");
    expect(offerCountdown(0)).toBe("Offer ended");
  });
  it("writes Meta's authentication text, security line and expiry", () => {
    const d = switchType({ ...emptyDraft(), add_security_recommendation: true, code_expiration_minutes: 5 }, "AUTHENTICATION");
    const p = previewOfDraft(d);
    expect(p.body).toBe("*123456* is your verification code. For your security, do not share this code.");
    expect(p.footer).toBe("This code expires in 5 minutes.");
    expect(p.buttons).toEqual([{ kind: "OTP", text: "Copy code" }]);
    const synced = previewOfComponents(
      [{ type: "BODY", add_security_recommendation: false }, { type: "FOOTER", code_expiration_minutes: 10 }, { type: "BUTTONS", buttons: [{ type: "OTP", otp_type: "copy_code", text: "Copy" }] }],
      { otp: "481516" },
    );
    expect(synced.body).toBe("*481516* is your verification code.");
    expect(synced.footer).toBe("This code expires in 10 minutes.");
  });
  it("shows a location header as a map with the send's name and address", () => {
    const d = { ...emptyDraft(), header: { format: "LOCATION", text: "", sample: "", handle: "" } };
    expect(previewOfDraft(d).location?.name).toBe("Location name");
    const p = previewOfComponents([{ type: "HEADER", format: "LOCATION" }, { type: "BODY", text: "Here" }], { "header.location.name": "Lucky Shrub", "header.location.address": "1 Main St" });
    expect(p.location).toEqual({ name: "Lucky Shrub", address: "1 Main St" });
  });
  it("renders synced carousels, offers and parts it cannot draw", () => {
    const card = (fmt: string) => ({ components: [{ type: "header", format: fmt }, { type: "buttons", buttons: [{ type: "spm", text: "View" }] }] });
    const p = previewOfComponents(
      [{ type: "body", text: "Rare succulents {{1}}" }, { type: "carousel", cards: [card("product"), card("product")] }, { type: "call_permission_request" }],
      { "body.1": "Pablo" },
    );
    expect(p.body).toBe("Rare succulents Pablo");
    expect(p.cards?.map((c) => c.headerFormat)).toEqual(["PRODUCT", "PRODUCT"]);
    expect(p.cards?.[0].buttons).toEqual([{ kind: "SPM", text: "View" }]);
    expect(p.others).toEqual(["Call permission request"]);
    const lto = previewOfComponents(
      [{ type: "limited_time_offer", limited_time_offer: { text: "Expiring offer!", has_expiration: true } }, { type: "body", text: "Go" }, { type: "buttons", buttons: [{ type: "copy_code", example: "CARIBE25" }, { type: "url", text: "Book" }] }],
      { "buttons.0.coupon_code": "SUMMER10", "limited_time_offer.expiration_time_ms": String(Date.now() + 3 * 86400_000 + 60_000) },
    );
    expect(lto.offer).toEqual({ text: "Expiring offer!", expiry: "Ends in 3 days", code: "SUMMER10" });
  });
});
