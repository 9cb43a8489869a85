import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../../App";
import type { InboxEventView } from "../../lib/ipc/bindings/InboxEventView";

function event(id: number): InboxEventView {
  return {
    id, received_at: new Date().toISOString(), source: "receiver", phone_number_id: "1", number_id: null, kinds: "status",
    state: "applied", duplicates: 0, note: "", bytes: 100, body: null,
  };
}

let events: InboxEventView[] = [];
let calls: string[] = [];
let unauthenticated = false;
let opened: Partial<InboxEventView> = {};

beforeEach(() => {
  location.hash = "#/inbox";
  events = [event(1)];
  calls = [];
  unauthenticated = false;
  opened = {};
  mockIPC((cmd, args) => {
    calls.push(cmd);
    switch (cmd) {
      case "import_inbox": {
        const content = String((args as { content?: string }).content);
        if (!content.trimStart().startsWith("{")) {
          throw { code: "validation", message: "not a webhook capture: at 1:1: expected value; nothing was imported" };
        }
        return { total: 1, new: 1, duplicates: 0 };
      }
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [];
      case "inbox_status":
        return { running: calls.filter((c) => c === "inbox_status").length > 1, url: "http://127.0.0.1:8377/webhook", unauthenticated };
      case "list_inbox":
        return events;
      case "inbox_event":
        return { ...event(1), body: '{"entry":[]}', ...opened };
      case "inbox_rejections":
        return [];
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  }, { shouldMockEvents: true });
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Inbox page", () => {
  it("shows a newly stored event and the receiver's state when the core reports them, with no polling", async () => {
    const intervals = vi.spyOn(globalThis, "setInterval");
    render(<App />);
    await waitFor(() => expect(document.querySelectorAll("#inbox-table tbody tr")).toHaveLength(1));
    expect(screen.getByText("stopped")).toBeTruthy();
    events = [event(2), event(1)];
    await emit("app://changed", { topic: "messages", numberId: null });
    await new Promise((r) => setTimeout(r, 20));
    expect(document.querySelectorAll("#inbox-table tbody tr")).toHaveLength(1);
    await emit("app://changed", { topic: "inbox", numberId: null });
    await waitFor(() => expect(document.querySelectorAll("#inbox-table tbody tr")).toHaveLength(2));
    await screen.findByText(/listening on/);
    expect(intervals.mock.calls.filter(([, ms]) => (ms ?? 0) >= 500)).toEqual([]);
  });

  it("warns while the receiver runs without a shared secret, and not once it has one", async () => {
    unauthenticated = true;
    render(<App />);
    await emit("app://changed", { topic: "inbox", numberId: null });
    expect((await screen.findByRole("alert")).textContent).toMatch(/without a shared secret/);
    unauthenticated = false;
    await emit("app://changed", { topic: "inbox", numberId: null });
    await waitFor(() => expect(document.getElementById("inbox-unauthenticated")).toBeNull());
  });

  it("the event drawer closes with Escape and focus goes back to its row", async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "1" }));
    await screen.findByRole("heading", { name: "Event 1" });
    expect(document.getElementById("event-drawer")?.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(document.getElementById("event-drawer")).toBeNull();
    await waitFor(() => expect(document.activeElement?.closest("tr")?.getAttribute("data-event-id")).toBe("1"));
  });

  it("names where an event came from in words: the team relay's, not an import", async () => {
    opened = { source: "relay" };
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "1" }));
    await screen.findByRole("heading", { name: "Event 1" });
    expect(document.getElementById("event-drawer")?.textContent).toContain("Team relay");
  });

  it("shows the running receiver's URL with a Copy button", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    render(<App />);
    await emit("app://changed", { topic: "inbox", numberId: null });
    const url = await screen.findByText("http://127.0.0.1:8377/webhook", { selector: "#inbox-url code" });
    expect(url).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    await screen.findByText("Copied");
    expect(writeText).toHaveBeenCalledWith("http://127.0.0.1:8377/webhook");
  });

  it("marks an event from Send test event with a test badge", async () => {
    events = [{ ...event(3), kinds: "message,test", note: "a test event from \"Send test event\": not applied to history" }];
    render(<App />);
    const row = await waitFor(() => {
      const r = document.querySelector<HTMLElement>('#inbox-table tr[data-event-id="3"]');
      expect(r).toBeTruthy();
      return r!;
    });
    const badge = row.querySelector(".badge--test");
    expect(badge?.textContent?.trim()).toBe("test");
    expect(row.querySelector(".badge--ok"), "no \"applied\" badge").toBeNull();
    expect(row.textContent).toContain("message");
  });

  it("lists webhook fields other than messages for what they are, and filters by them", async () => {
    events = [{ ...event(4), kinds: "message_template_status_update", phone_number_id: null, note: "template order_confirmation (en_US): APPROVED" }];
    render(<App />);
    const row = await waitFor(() => {
      const r = document.querySelector<HTMLElement>('#inbox-table tr[data-event-id="4"]');
      expect(r).toBeTruthy();
      return r!;
    });
    expect(row.textContent).toContain("Template status");
    expect(row.textContent).toContain("APPROVED");
    const kinds = Array.from(document.querySelectorAll<HTMLOptionElement>("#inbox-kind option")).map((o) => o.value);
    expect(kinds).toEqual(expect.arrayContaining(["message_template_quality_update", "account_update", "user_preferences"]));
  });

  it("imports a pretty-printed body and shows a refusal with its position", async () => {
    render(<App />);
    const input = await waitFor(() => {
      const el = document.querySelector<HTMLInputElement>("#inbox-import");
      expect(el).toBeTruthy();
      return el!;
    });
    const file = (name: string, text: string) => Object.assign(new File([text], name), { text: async () => text });
    fireEvent.change(input, { target: { files: [file("body.json", '{\n  "object": "whatsapp_business_account",\n  "entry": []\n}\n')] } });
    await screen.findByText("body.json: 1 events, 1 new, 0 already known.");
    fireEvent.change(input, { target: { files: [file("garbage.txt", "garbage")] } });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("at 1:1");
    expect(alert.textContent).toContain("nothing was imported");
  });
});
