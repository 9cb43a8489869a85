import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../App";

const NUMBER = {
  id: 7, phone: "+15550000100", label: "Shop", environment: "simulator", base_url: "http://127.0.0.1:8360",
  base_url_override: null, notes: "", key_state: "verified", key_hint: "••••abcd", key_fingerprint: "12345678",
  key_set_at: null, key_verified_at: null, phone_number_id: "1", waba_id: "2", health: null,
  health_checked_at: new Date().toISOString(), created_at: "x", updated_at: "x",
};

beforeEach(() => {
  location.hash = "#/send";
  mockIPC((cmd) => {
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [NUMBER];
      case "conversation": {
        const wrote = Date.now() - 60_000;
        return {
          contact: "4915123456789", messages: [],
          window: { open: true, last_inbound_at: new Date(wrote).toISOString(), open_until: new Date(wrote + 86400_000).toISOString() },
        };
      }
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  });
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Send page", () => {
  it("says how long the 24-hour window stays open, as a time ahead", async () => {
    render(<App />);
    fireEvent.change(await screen.findByLabelText("Recipient (international format)"), { target: { value: "4915123456789" } });
    const notice = await screen.findByText(/window is open until/);
    expect(notice.querySelector("time")?.textContent).toBe("in 23 h");
    expect(notice.textContent).not.toMatch(/just now|ago/);
  });
});
