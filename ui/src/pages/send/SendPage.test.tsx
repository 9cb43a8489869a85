import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
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
let library: Record<string, unknown>[];
let uploaded: unknown[];
let mediaSent: Record<string, unknown>[];

/** What the core's contact parser answers for the spellings these tests type. */
function parsed(input: string) {
  const digits = input.replace(/^\s*(\+|00)/, "").replace(/[\s().-]/g, "");
  if (!/^[1-9]\d{7,14}$/.test(digits)) throw { code: "validation", message: "a phone number with country code has 8 to 15 digits" };
  return { wa_id: digits, e164: `+${digits}` };
}

beforeEach(() => {
  location.hash = "#/send";
  lookedUp = [];
  uploaded = [];
  mediaSent = [];
  library = [
    {
      id: 1, number_id: 7, file_name: "old.png", mime_type: "image/png", kind: "image", size: 2048, media_id: "111",
      uploaded_at: "2026-01-01T10:00:00.000Z", expires_at: "2026-01-31T10:00:00.000Z", expired: true,
    },
  ];
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
      case "send_media":
        mediaSent.push(a);
        return { messaging_product: "whatsapp", contacts: [], messages: [{ id: "wamid.MEDIA1" }] };
      case "message_detail":
        return null;
      case "media_types":
        return [{ mime: "image/png", kind: "image", max_bytes: 5 * 1024 * 1024, extensions: ["png"], sample: true }];
      case "media_library":
        return library;
      case "upload_media": {
        uploaded.push([a.numberId, a.fileName, a.data]);
        const entry = {
          id: 2, number_id: 7, file_name: a.fileName, mime_type: "image/png", kind: "image", size: 3, media_id: "222",
          uploaded_at: "2026-12-01T10:00:00.000Z", expires_at: "2026-12-31T10:00:00.000Z", expired: false,
        };
        library = [entry, ...library];
        return entry;
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

  it("keeps a media library per number: uploads a picked file and shows each id with its expiry", async () => {
    render(<App />);
    const table = await waitFor(() => {
      const t = document.getElementById("media-table");
      expect(t).not.toBeNull();
      return t!;
    });
    expect(table.textContent).toContain("old.png");
    expect(table.textContent).toContain("expired 2026-01-31");
    const input = document.getElementById("media-upload") as HTMLInputElement;
    await waitFor(() => expect(input.getAttribute("accept")).toBe("image/png,.png"));
    fireEvent.change(input, { target: { files: [new File([new Uint8Array([1, 2, 3])], "new.png")] } });
    await waitFor(() => expect(document.getElementById("media-table")?.textContent).toContain("222"));
    expect(uploaded).toEqual([[7, "new.png", "AQID"]]);
    const rows = [...document.querySelectorAll("#media-table tbody tr")].map((r) => r.textContent);
    expect(rows[0]).toContain("new.png");
    expect(rows[0]).toContain("2026-12-31");
    expect(rows[0]).not.toContain("expired");
  });

  it("sends an image by the media id of a file uploaded from the form, with its caption", async () => {
    render(<App />);
    fireEvent.change(await screen.findByLabelText("Recipient (international format)"), { target: { value: "4915123456789" } });
    fireEvent.change(screen.getByLabelText("What to send"), { target: { value: "image" } });
    const send = document.getElementById("text-send") as HTMLButtonElement;
    const input = await waitFor(() => {
      const i = document.getElementById("media-source-file") as HTMLInputElement | null;
      expect(i?.getAttribute("accept")).toBe("image/png,.png");
      return i!;
    });
    expect(send.disabled).toBe(true);
    fireEvent.change(input, { target: { files: [new File([new Uint8Array([1, 2, 3])], "new.png")] } });
    await waitFor(() => expect((document.getElementById("media-source") as HTMLInputElement).value).toBe("222"));
    fireEvent.change(screen.getByLabelText("Caption (optional)"), { target: { value: "Spring sale" } });
    fireEvent.click(send);
    await screen.findByText("wamid.MEDIA1");
    expect(mediaSent).toHaveLength(1);
    expect(mediaSent[0]).toMatchObject({ numberId: 7, to: "4915123456789", kind: "image", source: "222", caption: "Spring sale", filename: null });
  });
});
