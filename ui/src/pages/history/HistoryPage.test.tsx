import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../../App";
import type { MessageView } from "../../lib/ipc/bindings/MessageView";

function msg(id: number, patch: Partial<MessageView> = {}): MessageView {
  return {
    id, number_id: null, direction: "out", wamid: `wamid.${id}`, contact: "4915123456789", contact_name: null,
    type: "text", template_name: null, template_language: null, body: `message ${id}`, status: "sent", sent_at: null, delivered_at: null,
    read_at: null, failed_at: null, error_code: null, error_title: null, error_explanation: null, created_at: new Date().toISOString(),
    attempt_ref: null, reaction: null, edited_at: null, deleted_at: null, sent_by: null, ...patch,
  };
}

let filters: Record<string, unknown>[] = [];
let prunes: unknown[] = [];

beforeEach(() => {
  location.hash = "#/history";
  filters = [];
  prunes = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as { filter?: Record<string, unknown>; wamid?: string };
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [];
      case "list_messages": {
        filters.push(a.filter!);
        const all = [msg(2, { status: "read", reaction: "👍", edited_at: "2026-11-25T10:01:00.000Z" }), msg(1, { status: "failed", error_code: 131026 })];
        return a.filter?.search ? all.filter((m) => m.body?.includes(String(a.filter?.search))) : all;
      }
      case "conversation":
        return { contact: "4915123456789", messages: [msg(2)], window: { open: false, open_until: null, last_inbound_at: null } };
      case "prune_history":
        prunes.push(args);
        return 42;
      case "history_counts":
        return [["failed", 1], ["read", 1]];
      case "message_detail":
        return {
          message: msg(2, { status: "read" }),
          events: [
            { status: "sent", at: "2026-11-25T10:00:00.000Z", error_code: null, participant: null, pricing_category: null, billable: null, conversation_id: null, conversation_origin: null, biz_opaque_callback_data: null, raw_json: "{}" },
            { status: "read", at: "2026-11-25T10:00:05.000Z", error_code: null, participant: "4915100000001", pricing_category: "marketing", billable: true, conversation_id: "conv-1", conversation_origin: "marketing", biz_opaque_callback_data: "campaign-7", raw_json: "{}" },
          ],
          error_details: null, request_json: '{"to":"x"}', response_json: null, event_json: null, parameters_json: null,
        };
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  }, { shouldMockEvents: true });
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("History page", () => {
  it("lists messages with status chips and opens the timeline", async () => {
    render(<App />);
    await screen.findByText("message 2");
    expect(screen.getByText("131026")).toBeTruthy();
    fireEvent.click(screen.getAllByRole("button", { name: /now|ago/ })[0]);
    await screen.findByText("Timeline");
    const items = document.querySelectorAll("#message-timeline li");
    expect(Array.from(items).map((li) => li.getAttribute("data-status"))).toEqual(["sent", "read"]);
  });

  it("shows reactions and edits on the message, and pricing, conversation, participant and callback data in the timeline", async () => {
    render(<App />);
    await screen.findByText("message 2");
    expect(screen.getByLabelText("reaction 👍")).toBeTruthy();
    expect(document.querySelector('[data-mark="edited"]')).toBeTruthy();
    fireEvent.click(screen.getAllByRole("button", { name: /now|ago/ })[0]);
    await screen.findByText("Timeline");
    const read = document.querySelector('#message-timeline li[data-status="read"]')!;
    expect(read.textContent).toContain("participant 4915100000001");
    expect(read.textContent).toContain("marketing (billable)");
    expect(read.textContent).toContain("conversation conv-1 (marketing)");
    expect(read.textContent).toContain("callback data campaign-7");
  });

  it("retention counts first, then deletes after a second click", async () => {
    render(<App />);
    await screen.findByText("message 2");
    fireEvent.change(screen.getByLabelText("Delete messages older than (days)"), { target: { value: "30" } });
    fireEvent.click(screen.getByRole("button", { name: "Count them" }));
    fireEvent.click(await screen.findByRole("button", { name: "Delete 42 messages" }));
    await waitFor(() => expect(prunes).toEqual([{ days: 30, dryRun: true }, { days: 30, dryRun: false }]));
  });

  it("searches as you type and says when nothing matches", async () => {
    render(<App />);
    await screen.findByText("message 2");
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "zzz" } });
    await screen.findByText("No message matches these filters.");
    await waitFor(() => expect(filters.at(-1)?.search).toBe("zzz"));
  });

  it("reads the newest page again when the core reports a message change, without a timer", async () => {
    const intervals = vi.spyOn(globalThis, "setInterval");
    render(<App />);
    await screen.findByText("message 2");
    const before = filters.length;
    await emit("app://changed", { topic: "inbox", numberId: null });
    expect(filters.length).toBe(before);
    await emit("app://changed", { topic: "messages", numberId: null });
    await waitFor(() => expect(filters.length).toBe(before + 1));
    // waitFor itself polls every 50 ms; the page sets no interval of its own.
    expect(intervals.mock.calls.filter(([, ms]) => (ms ?? 0) >= 500)).toEqual([]);
  });

  it("Escape closes the message drawer and focus goes back to the row that opened it", async () => {
    render(<App />);
    await screen.findByText("message 2");
    const opener = screen.getAllByRole("button", { name: /now|ago/ })[0];
    opener.focus();
    fireEvent.click(opener);
    await screen.findByText("Timeline");
    const drawer = document.getElementById("message-drawer")!;
    expect(drawer.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(document.getElementById("message-drawer")).toBeNull();
    await waitFor(() => expect(document.activeElement?.closest("[data-wamid]")?.getAttribute("data-wamid")).toBe("wamid.2"));
  });

  it("the conversation opened from a message closes with Escape and gives focus back to the message's row", async () => {
    render(<App />);
    await screen.findByText("message 2");
    fireEvent.click(screen.getAllByRole("button", { name: /now|ago/ })[1]);
    fireEvent.click(await screen.findByRole("button", { name: "Conversation with this contact" }));
    await screen.findByText(/No incoming message captured/);
    expect(document.getElementById("message-drawer")).toBeNull();
    expect(document.getElementById("conversation-drawer")?.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(document.getElementById("conversation-drawer")).toBeNull();
    await waitFor(() => expect(document.activeElement?.closest("[data-wamid]")?.getAttribute("data-wamid")).toBe("wamid.1"));
  });
});
