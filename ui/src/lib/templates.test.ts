import { describe, expect, it } from "vitest";
import { emptyDraft, fill, formatWhatsApp, previewOfComponents, previewOfDraft } from "./templates";

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
