import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConversationView } from "./ConversationView";

afterEach(() => {
  cleanup();
  clearMocks();
});

function backend(openForMs: number, messages: unknown[] = []) {
  mockIPC((cmd) => {
    if (cmd !== "conversation") throw new Error(`unexpected ${cmd}`);
    const until = Date.now() + openForMs;
    return {
      contact: "4915123456789", messages,
      window: { open: true, last_inbound_at: new Date(until - 86400_000).toISOString(), open_until: new Date(until).toISOString() },
    };
  });
}

describe("Conversation view", () => {
  it("shows the window's end ahead of now", async () => {
    backend(24 * 3600_000 - 30 * 60_000);
    render(<ConversationView numberId={7} contact="4915123456789" onClose={() => {}} />);
    const p = await screen.findByText(/24-hour window open until/);
    expect(p.querySelector("time")?.textContent).toBe("in 23 h");
  });

  it("shows a template send as the text sent, with the template and its language", async () => {
    backend(3600_000, [{
      id: 1, number_id: 7, direction: "out", wamid: "wamid.T", contact: "4915123456789", contact_name: null, type: "template",
      template_name: "order_shipped", template_language: "de", body: "Hallo Jana, deine Bestellung kommt am Montag.",
      status: "delivered", sent_at: null, delivered_at: null, read_at: null, failed_at: null, error_code: null, error_title: null,
      error_explanation: null, created_at: new Date().toISOString(), attempt_ref: null, reaction: null, edited_at: null, deleted_at: null,
    }]);
    render(<ConversationView numberId={7} contact="4915123456789" onClose={() => {}} />);
    await screen.findByText("Hallo Jana, deine Bestellung kommt am Montag.");
    expect(screen.getByText("order_shipped · de")).toBeTruthy();
    expect(screen.queryByText("[template]")).toBeNull();
  });

  it("closes with Escape", async () => {
    backend(3600_000);
    const onClose = vi.fn();
    render(<ConversationView numberId={7} contact="4915123456789" onClose={onClose} />);
    await screen.findByText(/24-hour window open until/);
    fireEvent.keyDown(document.activeElement ?? document.body, { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
