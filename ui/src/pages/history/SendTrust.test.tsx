import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../App";
import type { MessageView } from "../../lib/ipc/bindings/MessageView";

function msg(id: number, patch: Partial<MessageView> = {}): MessageView {
  return {
    id, number_id: 7, direction: "out", wamid: `wamid.${id}`, contact: "4915123456789", contact_name: null,
    type: "text", template_name: null, template_language: null, body: `message ${id}`, status: "read", sent_at: null, delivered_at: null,
    read_at: null, failed_at: null, error_code: null, error_title: null, error_explanation: null, created_at: new Date().toISOString(),
    attempt_ref: `wd-${id}`, reaction: null, edited_at: null, deleted_at: null, sent_by: null, ...patch,
  };
}

const NUMBER = {
  id: 7, phone: "+15550000100", label: "Sales US", environment: "production", base_url: "https://waba-v2.360dialog.io",
  notes: null, key_state: "verified", key_hint: "••••abcd", key_fingerprint: null, key_set_at: null, key_verified_at: null,
  phone_number_id: "123", waba_id: "456", health: null, health_checked_at: null, created_at: "x", updated_at: "x",
};

const UNKNOWN = msg(3, { wamid: null, attempt_ref: "wd-abc", status: "outcome_unknown", body: "Your order has shipped" });
const COLLEAGUES = msg(4, { attempt_ref: null, sent_by: "front desk", body: "Sent from the front desk" });
let calls: { cmd: string; args: Record<string, unknown> }[] = [];

beforeEach(() => {
  location.hash = "#/history";
  calls = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [NUMBER];
      case "list_messages":
        return [COLLEAGUES, UNKNOWN, msg(2)];
      case "history_counts":
        return [["read", 1], ["outcome_unknown", 1]];
      case "message_detail": {
        const message = a.wamid === "wd-abc" ? UNKNOWN : a.wamid === "wamid.4" ? COLLEAGUES : msg(2);
        return {
          message, events: [], error_details: null, request_json: '{"to":"+4915123456789"}', response_json: null,
          event_json: null, parameters_json: null,
        };
      }
      case "resend_message":
        return { contacts: [], messages: [{ id: "wamid.AGAIN", message_status: null }] };
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  });
});
afterEach(() => {
  cleanup();
  clearMocks();
});

const openRow = async (text: string) => {
  const cell = await screen.findByText(text);
  const row = cell.closest("[data-wamid]") as HTMLElement;
  fireEvent.click(row.querySelector("button")!);
  await screen.findByText("Timeline");
};

describe("sends the admin can trust in History", () => {
  it("an outcome-unknown attempt shows its content and offers Check status, not Resend", async () => {
    render(<App />);
    expect((await screen.findByText("Your order has shipped")).closest("[data-wamid]")?.getAttribute("data-wamid")).toBe("wd-abc");
    await openRow("Your order has shipped");
    expect(calls.find((c) => c.cmd === "message_detail")?.args.wamid).toBe("wd-abc");
    expect(document.getElementById("message-unknown")?.textContent).toContain("may or may not have gone out");
    expect(document.getElementById("message-body")?.textContent).toBe("Your order has shipped");
    expect(screen.queryByRole("button", { name: "Resend as test" })).toBeNull();
    const before = calls.filter((c) => c.cmd === "message_detail").length;
    fireEvent.click(screen.getByRole("button", { name: "Check status" }));
    await waitFor(() => expect(calls.filter((c) => c.cmd === "message_detail").length).toBe(before + 1));
    expect(await screen.findByText(/No status has arrived for this send yet/)).toBeTruthy();
    expect(calls.some((c) => c.cmd === "resend_message")).toBe(false);
  });

  it("a colleague's send from the team relay names the desktop that sent it; this computer's own sends do not", async () => {
    render(<App />);
    await openRow("Sent from the front desk");
    expect(document.getElementById("message-sent-by")?.textContent).toContain("front desk");
    cleanup();
    render(<App />);
    await openRow("message 2");
    expect(document.getElementById("message-sent-by")).toBeNull();
  });

  it("Resend as test asks first, naming the recipient and the number, and sends only when confirmed", async () => {
    render(<App />);
    await openRow("message 2");
    fireEvent.click(screen.getByRole("button", { name: "Resend as test" }));
    const question = document.getElementById("resend-question")!;
    expect(question.textContent).toContain("+4915123456789");
    expect(question.textContent).toContain("Sales US");
    expect(question.textContent).toContain("production");
    expect(calls.some((c) => c.cmd === "resend_message")).toBe(false);

    fireEvent.click(within(document.getElementById("resend-confirm")!).getByRole("button", { name: "Cancel" }));
    expect(document.getElementById("resend-confirm")).toBeNull();
    expect(calls.some((c) => c.cmd === "resend_message")).toBe(false);

    fireEvent.click(screen.getByRole("button", { name: "Resend as test" }));
    fireEvent.click(screen.getByRole("button", { name: "Send again to +4915123456789" }));
    await screen.findByText("wamid.AGAIN");
    const resends = calls.filter((c) => c.cmd === "resend_message");
    expect(resends.length).toBe(1);
    expect(resends[0].args.wamid).toBe("wamid.2");
  });
});
