import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../../App";
import { resubmitName } from "./TemplatesPage";
import type { TemplateDraft } from "../../lib/ipc/bindings/TemplateDraft";
import type { TemplateRow } from "../../lib/ipc/bindings/TemplateRow";

const NUMBER = {
  id: 7, phone: "+15550000100", label: "Shop", environment: "simulator", base_url: "http://127.0.0.1:8360",
  base_url_override: null, notes: "", key_state: "verified", key_hint: "••••abcd", key_fingerprint: "12345678",
  key_set_at: null, key_verified_at: null, phone_number_id: "1", waba_id: "2", health: null,
  health_checked_at: null, created_at: "x", updated_at: "x",
};

function row(language: string, status: string, body: string): TemplateRow {
  return {
    number_id: 7, name: "order_shipped", language, template_id: "1", category: "UTILITY", status, quality: "GREEN",
    rejected_reason: null, rejected_explanation: null, parameter_format: null, synced_at: new Date().toISOString(),
    components: [{ type: "BODY", text: body }],
  };
}

let calls: { cmd: string; args: Record<string, unknown> }[] = [];
/** The de variant's review: its status and rejection reason. */
let deReview: { status: string; reason: string | null } = { status: "APPROVED", reason: null };
let syncChanges = [{ name: "order_shipped", language: "de", from: "PENDING", to: "APPROVED" }];
let detailStatus = "delivered";
/** A template submitted in the test: its status, and the syncs since its submit. */
let submitted: { status: string; syncs: number } | null = null;
/** Drafts the core holds (kept across renders, like SQLite across a restart). */
type Saved = { id: number; number_id: number; title: string; draft: TemplateDraft; source_name: string | null; source_language: string | null; created_at: string; updated_at: string };
let saved: Saved[] = [];
let lastDraftId = 0;

function backend() {
  calls = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [NUMBER];
      case "sync_templates":
        if (submitted && ++submitted.syncs >= 2) submitted.status = "APPROVED";
        return { total: 2, added: 0, removed: 0, changes: syncChanges, synced_at: new Date().toISOString() };
      case "template_library": {
        const groups = [{
          name: "order_shipped",
          variants: [{ ...row("de", deReview.status, "Hallo {{1}}"), rejected_reason: deReview.reason }, row("en_US", "approved", "Hi *{{1}}*, it ships {{2}}")],
          differences: ["body variables differ — de: 1 body variable; en_US: 2 body variables"],
        }];
        if (submitted) groups.push({ name: "order_update", variants: [{ ...row("en_US", submitted.status, "Hi there"), name: "order_update" }], differences: [] });
        const f = a.filter as { search: string | null };
        return { number_id: 7, synced_at: new Date().toISOString(), total: groups.length, groups: groups.filter((g) => !f.search || g.name.includes(f.search)) };
      }
      case "create_template":
        submitted = { status: "PENDING", syncs: 0 };
        return { ...row("en_US", "PENDING", "Hi there"), name: "order_update" };
      case "check_template": {
        const d = a.draft as TemplateDraft;
        const issues = d.body.trim().startsWith("{{") ? [{ path: "body", message: "the body must not start or end with a variable" }] : [];
        if (a.numberId === 7 && d.name === "order_shipped" && d.language === "de")
          issues.push({ path: "language", message: "order_shipped in de already exists in this number's library (approved); choose another language or name" });
        const suggestion = d.name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
        return {
          body: { name: d.name }, issues, header_placeholders: [],
          body_placeholders: [...d.body.matchAll(/\{\{([^}]+)\}\}/g)].map((m) => m[1]),
          name_suggestion: suggestion && suggestion !== d.name ? suggestion : null,
        };
      }
      case "template_draft":
        return {
          name: "order_shipped", category: "UTILITY", language: a.language, named: false, allow_category_change: false,
          header: { format: "NONE", text: "", sample: "", handle: "" }, body: "Hi *{{1}}*, it ships {{2}}",
          body_samples: { "1": "Ana", "2": "Friday" }, add_security_recommendation: false, footer: "",
          code_expiration_minutes: null, buttons: [],
        };
      case "template_drafts":
        return saved.filter((d) => d.number_id === a.numberId);
      case "save_template_draft": {
        const save = a.save as { id: number | null; title: string; draft: TemplateDraft; source_name: string | null; source_language: string | null };
        const id = save.id ?? ++lastDraftId;
        const d = { ...save, id, number_id: a.numberId as number, created_at: "2026-01-01T00:00:00Z", updated_at: new Date().toISOString() };
        saved = [d, ...saved.filter((x) => x.id !== id)];
        return d;
      }
      case "discard_template_draft":
        saved = saved.filter((x) => x.id !== a.id);
        return null;
      case "template_send_form":
        return {
          template: row("en_US", "APPROVED", "Hi *{{1}}*, it ships {{2}}"),
          fields: [
            { path: "body.1", label: "Body {{1}}", kind: "text", sample: "Ana", required: true, one_of: null },
            { path: "body.2", label: "Body {{2}}", kind: "text", sample: "Friday", required: true, one_of: null },
          ],
          saved: { recipient: "4915123456789", values: { "body.1": "Bo" } },
          recent_recipients: ["4915123456789"],
        };
      case "send_test_template":
        return {
          request: { to: "4915123456789" }, response: { contacts: [], messages: [{ id: "wamid.T1", message_status: "accepted" }] },
          wamid: "wamid.T1", curl: "curl -X POST 'http://x/messages' -H 'D360-API-KEY: ••••abcd'",
        };
      case "message_detail":
        return {
          message: { status: detailStatus, wamid: a.wamid },
          events: [{ status: "sent", at: "t1", error_code: null, participant: null, pricing_category: null, billable: null, conversation_id: null, conversation_origin: null, biz_opaque_callback_data: null, raw_json: "{}" }, { status: "delivered", at: "t2", error_code: null, participant: null, pricing_category: null, billable: null, conversation_id: null, conversation_origin: null, biz_opaque_callback_data: null, raw_json: "{}" }].slice(0, detailStatus === "sent" ? 1 : 2),
          error_details: null, request_json: null, response_json: null, event_json: null,
        };
      case "export_postman":
        return { dir: "/home/u/Downloads/shop-postman", collection_file: "c.json", environment_file: "e.json", key_included: a.includeKey, skipped: [] };
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  }, { shouldMockEvents: true });
}

beforeEach(() => {
  location.hash = "#/templates";
  detailStatus = "delivered";
  submitted = null;
  saved = [];
  deReview = { status: "APPROVED", reason: null };
  syncChanges = [{ name: "order_shipped", language: "de", from: "PENDING", to: "APPROVED" }];
  backend();
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Templates page", () => {
  it("exports the number's requests to Postman from the library too", async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "Postman…" }));
    fireEvent.click(await screen.findByRole("button", { name: "Export Postman collection" }));
    await screen.findByText(/set api_key in Postman/);
    expect(calls.find((c) => c.cmd === "export_postman")?.args).toEqual({ numberId: 7, includeKey: false });
  });

  it("syncs on opening, groups languages and flags their differences", async () => {
    render(<App />);
    await screen.findByText(/\(de\) pending → approved/);
    const group = document.querySelector('[data-template="order_shipped"]') as HTMLElement;
    expect(within(group).getByText(/body variables differ/)).toBeTruthy();
    fireEvent.click(within(group).getByText("en_US"));
    const preview = document.getElementById("templates-preview") as HTMLElement;
    expect(preview.querySelector("strong")?.textContent).toBe("{{1}}");
    expect(calls.some((c) => c.cmd === "sync_templates")).toBe(true);
  });

  it("shows the core's problems at the field and the preview as you type", async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "New template" }));
    const body = (await screen.findByLabelText("Body text")) as HTMLTextAreaElement;
    fireEvent.change(body, { target: { value: "{{1}} ships today" } });
    await waitFor(() => expect(document.querySelector('[data-field="body"]')?.textContent).toMatch(/must not start/));
    expect((document.getElementById("tpl-submit") as HTMLButtonElement).disabled).toBe(true);
    expect(document.getElementById("tpl-preview")?.textContent).toContain("{{1}} ships today");
    fireEvent.change(body, { target: { value: "Hi {{1}}, it ships *today*" } });
    await waitFor(() => expect(document.querySelector('[data-field="body"]')).toBeNull());
    fireEvent.change(await screen.findByLabelText("Sample for {{1}}"), { target: { value: "Ana" } });
    await waitFor(() => expect(document.getElementById("tpl-preview")?.textContent).toContain("Hi Ana, it ships today"));
    expect(document.querySelector("#tpl-preview strong")?.textContent).toBe("today");
  });

  it("test-send form comes from the placeholders, prefilled with the saved inputs", async () => {
    render(<App />);
    await screen.findByRole("heading", { name: "order_shipped" });
    const group = document.querySelector('[data-template="order_shipped"]') as HTMLElement;
    fireEvent.click(within(group).getByText("en_US"));
    fireEvent.click(screen.getByRole("button", { name: "Test-send" }));
    const first = (await screen.findByLabelText("Body {{1}}")) as HTMLInputElement;
    expect(first.value).toBe("Bo");
    expect((screen.getByLabelText("Body {{2}}") as HTMLInputElement).value).toBe("Friday");
    expect((screen.getByLabelText("Recipient (international format)") as HTMLInputElement).value).toBe("4915123456789");
    expect(document.getElementById("send-preview")?.textContent).toContain("Hi Bo, it ships Friday");
    fireEvent.click(screen.getByRole("button", { name: "Send test" }));
    await screen.findByText("wamid.T1");
    await waitFor(() => expect(document.getElementById("send-status")?.textContent).toBe("delivered"));
    const sent = calls.find((c) => c.cmd === "send_test_template")?.args.send as { values: Record<string, string> };
    expect(sent.values).toEqual({ "body.1": "Bo", "body.2": "Friday" });
    expect(document.getElementById("send-curl")?.textContent).toContain("••••abcd");
  });

  it("the test-send status follows the core's message changes, not a timer", { timeout: 10_000 }, async () => {
    detailStatus = "sent";
    const intervals = vi.spyOn(globalThis, "setInterval");
    render(<App />);
    await screen.findByRole("heading", { name: "order_shipped" });
    fireEvent.click(within(document.querySelector('[data-template="order_shipped"]') as HTMLElement).getByText("en_US"));
    fireEvent.click(screen.getByRole("button", { name: "Test-send" }));
    await screen.findByLabelText("Body {{1}}");
    fireEvent.click(screen.getByRole("button", { name: "Send test" }));
    await waitFor(() => expect(document.getElementById("send-status")?.textContent).toBe("sent"));
    const reads = () => calls.filter((c) => c.cmd === "message_detail").length;
    const before = reads();
    detailStatus = "delivered";
    // Longer than the old 1-second poll: nothing is read again without a change event.
    await new Promise((r) => setTimeout(r, 1200));
    expect(reads()).toBe(before);
    expect(document.getElementById("send-status")?.textContent).toBe("sent");
    await emit("app://changed", { topic: "messages", numberId: 7 });
    await waitFor(() => expect(document.getElementById("send-status")?.textContent).toBe("delivered"));
    expect(reads()).toBe(before + 1);
    expect(intervals.mock.calls.filter(([, ms]) => (ms ?? 0) >= 500 && ms !== 60_000)).toEqual([]);
  });

  it("reads the library again when the core reports a template change", async () => {
    render(<App />);
    await screen.findByRole("heading", { name: "order_shipped" });
    const reads = () => calls.filter((c) => c.cmd === "template_library").length;
    await waitFor(() => expect(reads()).toBeGreaterThan(0));
    await new Promise((r) => setTimeout(r, 20));
    const before = reads();
    await emit("app://changed", { topic: "templates", numberId: 7 });
    await waitFor(() => expect(reads()).toBe(before + 1));
  });

  it("after a submit, shows Meta's decision without a click and clears the pending notice", { timeout: 10_000 }, async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "New template" }));
    fireEvent.change(await screen.findByLabelText("Name"), { target: { value: "order_update" } });
    fireEvent.change(screen.getByLabelText("Body text"), { target: { value: "Hi there" } });
    const submit = document.getElementById("tpl-submit") as HTMLButtonElement;
    await waitFor(() => expect(submit.disabled).toBe(false));
    fireEvent.click(submit);
    const notice = await screen.findByText(/Submitted order_update \(en_US\): pending/);
    expect(notice.getAttribute("data-review")).toBe("pending");
    const syncsAtSubmit = calls.filter((c) => c.cmd === "sync_templates").length;
    // No click: the page asks again by itself and shows the decision.
    await waitFor(
      () => expect(document.getElementById("templates-notice")?.getAttribute("data-review")).toBe("approved"),
      { timeout: 5_000 },
    );
    expect(document.getElementById("templates-notice")?.textContent).toMatch(/order_update \(en_US\) approved/);
    expect(screen.queryByText(/Submitted order_update/)).toBeNull();
    expect(calls.filter((c) => c.cmd === "sync_templates").length).toBeGreaterThan(syncsAtSubmit);
    await waitFor(() =>
      expect(document.querySelector('[data-template="order_update"] [data-language="en_US"] [data-status]')?.getAttribute("data-status")).toBe("approved"),
    );
  });

  it("autosaves a half-filled draft that survives leaving the page and a restart, to resume or discard", { timeout: 10_000 }, async () => {
    const first = render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "New template" }));
    const name = (await screen.findByLabelText("Name")) as HTMLInputElement;
    expect(document.activeElement).toBe(name);
    fireEvent.change(name, { target: { value: "order_update" } });
    fireEvent.change(screen.getByLabelText("Body text"), { target: { value: "Half a sentence" } });
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0].draft.body).toBe("Half a sentence");
    // Typing on saves over the same draft.
    fireEvent.change(screen.getByLabelText("Body text"), { target: { value: "Half a sentence, more" } });
    await waitFor(() => expect(saved[0].draft.body).toBe("Half a sentence, more"));
    expect(saved).toHaveLength(1);
    // A restart: the app is rendered anew; the draft is listed.
    first.unmount();
    render(<App />);
    const drafts = await screen.findByRole("region", { name: "Drafts" });
    fireEvent.click(within(drafts).getByRole("button", { name: "Resume order_update (en_US)" }));
    expect(((await screen.findByLabelText("Body text")) as HTMLTextAreaElement).value).toBe("Half a sentence, more");
    // Cancel asks before discarding; keeping it leaves it listed.
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    const ask = await screen.findByRole("alertdialog", { name: "Discard this draft?" });
    fireEvent.click(within(ask).getByRole("button", { name: "Keep editing" }));
    expect(screen.getByLabelText("Body text")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    fireEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Discard draft" }));
    await waitFor(() => expect(saved).toHaveLength(0));
    await screen.findByRole("heading", { name: "order_shipped" });
    expect(screen.queryByRole("region", { name: "Drafts" })).toBeNull();
  });

  it("Cancel on an unchanged builder closes without asking and saves nothing", async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "New template" }));
    await screen.findByLabelText("Name");
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    await screen.findByRole("heading", { name: "order_shipped" });
    await new Promise((r) => setTimeout(r, 500));
    expect(calls.some((c) => c.cmd === "save_template_draft")).toBe(false);
  });

  it("a saved draft is discarded from the list after asking, and after a submit", { timeout: 10_000 }, async () => {
    saved = [{ id: 41, number_id: 7, title: "New template", draft: { ...emptyDraftForTest(), name: "promo" }, source_name: null, source_language: null, created_at: "x", updated_at: new Date().toISOString() }];
    render(<App />);
    const drafts = await screen.findByRole("region", { name: "Drafts" });
    fireEvent.click(within(drafts).getByRole("button", { name: "Discard promo (en_US)" }));
    expect(saved).toHaveLength(1);
    fireEvent.click(within(drafts).getByRole("button", { name: "Discard promo (en_US) for good" }));
    await waitFor(() => expect(screen.queryByRole("region", { name: "Drafts" })).toBeNull());
    expect(saved).toHaveLength(0);

    fireEvent.click(screen.getByRole("button", { name: "New template" }));
    fireEvent.change(await screen.findByLabelText("Name"), { target: { value: "order_update" } });
    fireEvent.change(screen.getByLabelText("Body text"), { target: { value: "Hi there" } });
    await waitFor(() => expect(saved).toHaveLength(1));
    const submit = document.getElementById("tpl-submit") as HTMLButtonElement;
    await waitFor(() => expect(submit.disabled).toBe(false));
    fireEvent.click(submit);
    await screen.findByText(/Submitted order_update/);
    expect(saved).toHaveLength(0);
  });

  it("button fields start empty with placeholders", async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "New template" }));
    for (const kind of ["URL", "PHONE_NUMBER"]) {
      fireEvent.change(await screen.findByLabelText("Button type"), { target: { value: kind } });
      fireEvent.click(screen.getByRole("button", { name: "Add button" }));
    }
    const url = document.getElementById("tpl-button-0-url") as HTMLInputElement;
    expect(url.value).toBe("");
    expect(url.placeholder).toMatch(/^https:\/\//);
    fireEvent.change(url, { target: { value: "https://shop.example.com/t" } });
    expect(url.value).toBe("https://shop.example.com/t");
    const label = document.getElementById("tpl-button-1-text") as HTMLInputElement;
    expect(label.value).toBe("");
    expect(label.placeholder).toBe("Call us");
    expect((document.getElementById("tpl-button-1-phone") as HTMLInputElement).value).toBe("");
  });

  it("offers the normalised name in one click", async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "New template" }));
    const name = (await screen.findByLabelText("Name")) as HTMLInputElement;
    fireEvent.change(name, { target: { value: "Order Update" } });
    fireEvent.click(await screen.findByRole("button", { name: "Use order_update" }));
    expect(name.value).toBe("order_update");
    await waitFor(() => expect(screen.queryByRole("button", { name: /^Use / })).toBeNull());
  });

  it("Add variable inserts the next numbered or named variable with its sample field", async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "New template" }));
    const body = (await screen.findByLabelText("Body text")) as HTMLTextAreaElement;
    fireEvent.change(body, { target: { value: "Hi" } });
    fireEvent.click(screen.getByRole("button", { name: "Add variable" }));
    expect(body.value).toBe("Hi {{1}}");
    const sample = await screen.findByLabelText("Sample for {{1}}");
    await waitFor(() => expect(document.activeElement).toBe(sample));
    fireEvent.click(screen.getByRole("button", { name: "Add variable" }));
    expect(body.value).toBe("Hi {{1}} {{2}}");
    await screen.findByLabelText("Sample for {{2}}");
    fireEvent.change(screen.getByLabelText("Variables"), { target: { value: "named" } });
    fireEvent.change(body, { target: { value: "Hello" } });
    fireEvent.click(screen.getByRole("button", { name: "Add variable" }));
    expect(body.value).toBe("Hello {{var_1}}");
    await screen.findByLabelText("Sample for {{var_1}}");
  });

  it("Add a language shows the source text, marks existing languages and catches a duplicate before submit", async () => {
    render(<App />);
    await screen.findByRole("heading", { name: "order_shipped" });
    fireEvent.click(within(document.querySelector('[data-template="order_shipped"]') as HTMLElement).getByText("en_US"));
    fireEvent.click(screen.getByRole("button", { name: /Add a language/ }));
    const source = await screen.findByLabelText("Source text (en_US)");
    expect(source.textContent).toContain("Hi *{{1}}*, it ships {{2}}");
    const language = screen.getByLabelText("Language") as HTMLSelectElement;
    const marked = [...language.options].filter((o) => o.dataset.exists).map((o) => o.value);
    expect(marked.sort()).toEqual(["de", "en_US"]);
    expect([...language.options].find((o) => o.value === "de")?.textContent).toMatch(/\(exists\)/);
    fireEvent.change(language, { target: { value: "de" } });
    await waitFor(() => expect(document.querySelector('[data-field="language"]')?.textContent).toMatch(/already exists/));
    expect((document.getElementById("tpl-submit") as HTMLButtonElement).disabled).toBe(true);
    const checks = calls.filter((c) => c.cmd === "check_template");
    expect(checks[checks.length - 1].args.numberId).toBe(7);
  });

  it("a rejected variant is edited and resubmitted as a new name, with Meta's reason at the field it concerns", async () => {
    deReview = { status: "REJECTED", reason: "PROMOTIONAL" };
    render(<App />);
    await screen.findByRole("heading", { name: "order_shipped" });
    fireEvent.click(within(document.querySelector('[data-template="order_shipped"]') as HTMLElement).getByText("de"));
    expect(document.getElementById("templates-rejected-reason")?.textContent).toMatch(/Rejected as promotional/);
    const meaning = document.getElementById("templates-status-meaning")!;
    expect(meaning.getAttribute("data-tone")).toBe("bad");
    fireEvent.click(screen.getByRole("button", { name: "Edit and resubmit" }));
    const name = (await screen.findByLabelText("Name")) as HTMLInputElement;
    expect(name.value).toBe("order_shipped_v2");
    expect(screen.getByText(/360dialog cannot edit a template: this creates a new one/)).toBeTruthy();
    await waitFor(() =>
      expect(document.querySelector('[data-field="category"]')?.textContent).toMatch(/Meta rejected order_shipped \(de\): Rejected as promotional/),
    );
    expect((screen.getByLabelText("Language") as HTMLSelectElement).value).toBe("de");
  });

  it("an approved variant that Meta paused is a warning with plain words, not green news", async () => {
    syncChanges = [
      { name: "order_shipped", language: "de", from: "APPROVED", to: "PAUSED" },
      { name: "order_shipped", language: "en_US", from: "PENDING", to: "APPROVED" },
    ];
    render(<App />);
    const warn = await waitFor(() => {
      const w = document.getElementById("templates-changes-warn");
      expect(w).toBeTruthy();
      return w!;
    });
    expect(warn.getAttribute("role")).toBe("alert");
    expect(warn.textContent).toMatch(/order_shipped \(de\) approved → paused/);
    expect(warn.textContent).toMatch(/cannot be sent until the pause ends/);
    const news = document.getElementById("templates-changes")!;
    expect(news.textContent).toContain("(en_US) pending → approved");
    expect(news.textContent).not.toContain("paused");
    expect(resubmitName("order_shipped_v2", ["order_shipped", "order_shipped_v2", "order_shipped_v3"])).toBe("order_shipped_v4");
  });
});

function emptyDraftForTest(): TemplateDraft {
  return {
    name: "", category: "UTILITY", language: "en_US", named: false, allow_category_change: false,
    header: { format: "NONE", text: "", sample: "", handle: "" }, body: "", body_samples: {},
    add_security_recommendation: false, footer: "", code_expiration_minutes: null, buttons: [],
    kind: "STANDARD", cards: [], offer: { text: "", has_expiration: true }, extra_components: [], extra: {},
  };
}
