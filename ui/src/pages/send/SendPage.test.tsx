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

let lookedUp: string[];

/** What the core's contact parser answers for the spellings these tests type. */
function parsed(input: string) {
  const digits = input.replace(/^\s*(\+|00)/, "").replace(/[\s().-]/g, "");
  if (!/^[1-9]\d{7,14}$/.test(digits)) throw { code: "validation", message: "a phone number with country code has 8 to 15 digits" };
  return { wa_id: digits, e164: `+${digits}` };
}

beforeEach(() => {
  location.hash = "#/send";
  lookedUp = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "parse_contact":
        return parsed(a.input as string);
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [NUMBER];
      case "conversation": {
        lookedUp.push(a.contact as string);
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

  it("reads the recipient with the core's parser, so 0049 … finds the same window the send uses", async () => {
    render(<App />);
    fireEvent.change(await screen.findByLabelText("Recipient (international format)"), { target: { value: "0049 151 23456789" } });
    await screen.findByText(/window is open until/);
    expect(lookedUp).toEqual(["4915123456789"]);
    expect((await screen.findByText("+4915123456789")).closest("#text-contact")).not.toBeNull();
  });

  it("says at the field why a recipient is not a phone number, and looks up no window", async () => {
    render(<App />);
    fireEvent.change(await screen.findByLabelText("Recipient (international format)"), { target: { value: "+49 151" } });
    expect((await screen.findByText(/8 to 15 digits/)).id).toBe("text-contact-error");
    expect(document.getElementById("text-window")).toBeNull();
    expect(lookedUp).toEqual([]);
  });
});
