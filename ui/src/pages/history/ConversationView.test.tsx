import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConversationView } from "./ConversationView";

afterEach(() => {
  cleanup();
  clearMocks();
});

function backend(openForMs: number) {
  mockIPC((cmd) => {
    if (cmd !== "conversation") throw new Error(`unexpected ${cmd}`);
    const until = Date.now() + openForMs;
    return {
      contact: "4915123456789", messages: [],
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

  it("closes with Escape", async () => {
    backend(3600_000);
    const onClose = vi.fn();
    render(<ConversationView numberId={7} contact="4915123456789" onClose={onClose} />);
    await screen.findByText(/24-hour window open until/);
    fireEvent.keyDown(document.activeElement ?? document.body, { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
