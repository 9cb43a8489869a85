import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DraftCheck } from "../../../lib/ipc/bindings/DraftCheck";
import type { LintIssue } from "../../../lib/ipc/bindings/LintIssue";
import type { TemplateDraft } from "../../../lib/ipc/bindings/TemplateDraft";
import { emptyDraft } from "../../../lib/templates";
import { Builder } from "../Builder";

const vars = (t: string) => [...t.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[1]);

/** The last draft the core was asked to check, save and create. */
let checked: TemplateDraft | null = null;
let saves: TemplateDraft[] = [];
let created: TemplateDraft | null = null;
/** The core's problems for a draft (the real rules are tested in the core). */
let rules: (d: TemplateDraft) => LintIssue[] = () => [];

vi.mock("../../../lib/ipc/commands", () => ({
  checkTemplate: async (draft: TemplateDraft): Promise<DraftCheck> => {
    checked = draft;
    return {
      body: { name: draft.name },
      issues: rules(draft),
      header_placeholders: draft.header.format === "TEXT" ? vars(draft.header.text) : [],
      body_placeholders: vars(draft.body),
      card_placeholders: draft.cards.map((c) => vars(c.body)),
      name_suggestion: null,
    };
  },
  saveTemplateDraft: async (_n: number, save: { draft: TemplateDraft }) => {
    saves.push(save.draft);
    return { id: 5 };
  },
  discardTemplateDraft: async () => null,
  // The media header's file pick asks for Meta's media types.
  mediaTypes: async () => [],
  createTemplate: async (_n: number, draft: TemplateDraft) => {
    created = draft;
    return { name: draft.name, language: draft.language, status: "PENDING" };
  },
}));

beforeEach(() => {
  mockIPC(() => null, { shouldMockEvents: true });
  checked = null;
  saves = [];
  created = null;
  rules = () => [];
});
afterEach(() => {
  cleanup();
  clearMocks();
});

function open(initial: TemplateDraft = emptyDraft()) {
  const onCreated = vi.fn();
  render(<Builder numberId={7} initial={initial} title="New template" onCreated={onCreated} onCancel={() => {}} />);
  return { onCreated };
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const type = (id: string, value: string) => fireEvent.change(byId(id), { target: { value } });
const pickType = (value: string) => fireEvent.change(screen.getByLabelText("Type"), { target: { value } });
const preview = () => byId("tpl-preview");

describe("builder types", () => {
  it("picks a type first and shows only that type's fields", () => {
    open();
    expect(byId("tpl-footer")).toBeTruthy();
    pickType("CAROUSEL_MEDIA");
    expect(byId("tpl-footer")).toBeNull();
    expect(byId("tpl-header-format")).toBeNull();
    expect(screen.getAllByRole("group", { name: /^Card \d$/ })).toHaveLength(2);
    expect((byId<HTMLSelectElement>("tpl-category")).value).toBe("MARKETING");
    pickType("LIMITED_TIME_OFFER");
    expect(byId("tpl-offer-text")).toBeTruthy();
    expect(byId("tpl-footer")).toBeNull();
    expect([...byId<HTMLSelectElement>("tpl-header-format").options].map((o) => o.value)).toEqual(["NONE", "IMAGE", "VIDEO"]);
    pickType("AUTHENTICATION");
    expect(byId("tpl-body")).toBeNull();
    expect(byId("tpl-otp-type")).toBeTruthy();
    expect(byId("tpl-expiry")).toBeTruthy();
  });

  it("builds a carousel: cards stay alike, each card has its own values, problems show at the card's field", async () => {
    rules = (d) => (d.cards[1] && d.cards[1].body.length > 160 ? [{ path: "cards[1].body", message: "a card's text is limited to 160 characters" }] : []);
    open();
    pickType("CAROUSEL_MEDIA");
    type("tpl-name", "spring_picks");
    type("tpl-body", "Our spring picks");
    // Adding a button on card 1 adds it to every card.
    fireEvent.change(byId("tpl-card-add-kind"), { target: { value: "URL" } });
    fireEvent.click(byId("tpl-card-add-button"));
    const card2 = screen.getByRole("group", { name: "Card 2" });
    expect(within(card2).getAllByRole("group", { name: /Card button/ })).toHaveLength(2);
    // Card 2 has no structure controls of its own; its values are its own.
    expect(within(card2).queryByRole("button", { name: "Add button" })).toBeNull();
    type("tpl-card-1-button-1-url", "https://shop.example.com/b");
    type("tpl-card-1-handle", "4::dmlk");
    fireEvent.click(byId("tpl-add-card"));
    expect(screen.getAllByRole("group", { name: /^Card \d$/ })).toHaveLength(3);
    const long = "x".repeat(161);
    type("tpl-card-1-body", long);
    await waitFor(() => expect(within(card2).getByRole("alert").textContent).toContain("160 characters"));
    // The text is kept as typed (not cut at the limit).
    expect(byId<HTMLTextAreaElement>("tpl-card-1-body").value).toBe(long);
    await waitFor(() => expect(checked?.cards).toHaveLength(3));
    expect(checked?.kind).toBe("CAROUSEL");
    expect(checked?.cards.map((c) => c.buttons.map((b) => b.kind))).toEqual([["QUICK_REPLY", "URL"], ["QUICK_REPLY", "URL"], ["QUICK_REPLY", "URL"]]);
    expect(checked?.cards[1].buttons[1].url).toBe("https://shop.example.com/b");
    expect(checked?.cards[1].header.handle).toBe("4::dmlk");
    expect(checked?.cards[0].header.handle).toBe("");
    // The preview draws a row of cards.
    expect(preview().querySelectorAll(".wa-card")).toHaveLength(3);
    // The draft autosaves with its cards.
    await waitFor(() => expect(saves.at(-1)?.cards).toHaveLength(3));
  });

  it("builds a limited-time offer with its strip and coupon in the preview", async () => {
    rules = (d) => (d.offer.text.length > 16 ? [{ path: "offer.text", message: "the offer text is limited to 16 characters" }] : []);
    open();
    pickType("LIMITED_TIME_OFFER");
    type("tpl-offer-text", "An offer far too long");
    await waitFor(() => expect(document.querySelector('[data-field="offer.text"]')?.textContent).toContain("16 characters"));
    expect(byId<HTMLInputElement>("tpl-offer-text").value).toBe("An offer far too long");
    expect(byId<HTMLButtonElement>("tpl-submit").disabled).toBe(true);
    type("tpl-offer-text", "Expiring offer!");
    type("tpl-button-0-code", "CARIBE25");
    type("tpl-body", "Use the code today.");
    const offer = within(preview()).getByLabelText("Offer");
    expect(offer.textContent).toContain("Expiring offer!");
    expect(offer.textContent).toContain("Ends in 24:00:00");
    expect(offer.textContent).toContain("CARIBE25");
    expect(preview().querySelector('[data-kind="COPY_CODE"]')?.textContent).toContain("Copy offer code");
    await waitFor(() => expect(byId<HTMLButtonElement>("tpl-submit").disabled).toBe(false));
  });

  it("builds an authentication template with a one-tap button and its apps, previewed as Meta writes it", async () => {
    rules = (d) => {
      const b = d.buttons.find((x) => x.kind === "OTP");
      const apps = b?.extra["supported_apps"] as { signature_hash: string }[] | undefined;
      return b?.otp_type === "ONE_TAP" && !apps?.every((a) => a.signature_hash) ? [{ path: "buttons[0].supported_apps", message: "app 1 needs its package name and signature hash" }] : [];
    };
    const { onCreated } = open();
    type("tpl-name", "login_code");
    pickType("AUTHENTICATION");
    type("tpl-expiry", "5");
    fireEvent.change(byId("tpl-otp-type"), { target: { value: "ONE_TAP" } });
    fireEvent.click(byId("tpl-add-app"));
    type("tpl-app-0-package", "com.example.app");
    await waitFor(() => expect(document.querySelector('[data-field="buttons[0].supported_apps"]')).toBeTruthy());
    type("tpl-app-0-hash", "K8a/AINcGX7");
    await waitFor(() => expect(byId<HTMLButtonElement>("tpl-submit").disabled).toBe(false));
    expect(preview().querySelector(".wa-bubble__body")?.textContent).toBe("123456 is your verification code. For your security, do not share this code.");
    expect(preview().querySelector(".wa-bubble__body strong")?.textContent).toBe("123456");
    expect(preview().querySelector(".wa-bubble__footer")?.textContent).toBe("This code expires in 5 minutes.");
    fireEvent.click(byId("tpl-submit"));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(created?.category).toBe("AUTHENTICATION");
    expect(created?.code_expiration_minutes).toBe(5);
    expect(created?.buttons[0]).toMatchObject({ kind: "OTP", otp_type: "ONE_TAP", extra: { supported_apps: [{ package_name: "com.example.app", signature_hash: "K8a/AINcGX7" }] } });
  });

  it("switching type and back loses nothing typed", () => {
    open();
    type("tpl-footer", "Reply STOP to opt out");
    fireEvent.change(byId("tpl-add-kind"), { target: { value: "URL" } });
    fireEvent.click(byId("tpl-add-button"));
    type("tpl-button-0-url", "https://shop.example.com/t");
    pickType("CAROUSEL_MEDIA");
    pickType("STANDARD");
    expect(byId<HTMLInputElement>("tpl-footer").value).toBe("Reply STOP to opt out");
    expect(byId<HTMLInputElement>("tpl-button-0-url").value).toBe("https://shop.example.com/t");
  });

  it("shows a location header as a map in the preview", () => {
    open();
    fireEvent.change(byId("tpl-header-format"), { target: { value: "LOCATION" } });
    const map = within(preview()).getByLabelText("Location");
    expect(map.textContent).toContain("Location name");
    expect(map.textContent).toContain("given with each send");
    expect(screen.getByText(/The location \(map pin, name and address\) is given with each send/)).toBeTruthy();
  });

  it("an imported template with parts the builder has no fields for keeps and shows them", async () => {
    open({ ...emptyDraft(), name: "sample_cpr_template", body: "We would like to call you.", extra_components: [{ type: "call_permission_request" }] });
    expect(screen.getByRole("group", { name: "Other parts" }).textContent).toContain("call_permission_request");
    expect(preview().textContent).toContain("Call permission request");
    await waitFor(() => expect(checked?.extra_components).toEqual([{ type: "call_permission_request" }]));
  });

  it("a draft saved before the builder had types opens as its category's type", () => {
    const old = { ...emptyDraft(), category: "AUTHENTICATION" } as Partial<TemplateDraft>;
    delete old.kind;
    delete old.cards;
    open(old as TemplateDraft);
    expect((screen.getByLabelText("Type") as HTMLSelectElement).value).toBe("AUTHENTICATION");
  });
});

describe("problems while building", () => {
  it("shows none on a new, empty template until the user starts, then at their fields", async () => {
    rules = (d) => (d.body.trim() ? [] : [{ path: "body", message: "The body is required" }]).concat(d.name.trim() ? [] : [{ path: "name", message: "The name is required" }]);
    open();
    await waitFor(() => expect(checked).not.toBeNull());
    expect(byId("tpl-submit").textContent).toBe("Fill in the template to submit");
    expect((byId<HTMLButtonElement>("tpl-submit")).disabled).toBe(true);
    expect(document.querySelector(".field-error")).toBeNull();
    type("tpl-name", "order_update");
    await waitFor(() => expect(byId("tpl-submit").textContent).toBe("Fix 1 problem to submit"));
    expect(document.querySelector("[data-field='body']")?.textContent).toBe("The body is required");
  });

  it("counts one problem reported at two fields once", async () => {
    const message = "order_update in en_US already exists in this number's library (approved); choose another language or name";
    rules = () => [
      { path: "language", message },
      { path: "name", message },
    ];
    open();
    type("tpl-name", "order_update");
    type("tpl-body", "Hello");
    await waitFor(() => expect(byId("tpl-submit").textContent).toBe("Fix 1 problem to submit"));
    expect(document.querySelector("[data-field='name']")).toBeTruthy();
    expect(document.querySelector("[data-field='language']")).toBeTruthy();
  });
});
