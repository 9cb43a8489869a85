import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Retrying } from "../../lib/ipc/bindings/Retrying";

const pending: { onRetry?: (r: Retrying) => void; sent?: unknown } = {};

vi.mock("../../lib/ipc/commands", () => ({
  templateSendForm: async () => ({
    template: {
      number_id: 1, name: "order_shipped", language: "en_US", category: "UTILITY", status: "APPROVED", rejected_reason: null,
      parameter_format: null, synced_at: "x", components: [{ type: "BODY", text: "Hi {{1}}" }],
    },
    fields: [
      { path: "header.image.link", label: "Header image: https link", kind: "media_link", sample: "", required: false, one_of: "header.image" },
      { path: "header.image.id", label: "Header image: media id (from an upload)", kind: "media_id", sample: "", required: false, one_of: "header.image" },
      { path: "body.1", label: "Body {{1}}", kind: "text", sample: "Ana", required: true, one_of: null },
    ],
    saved: null,
    recent_recipients: ["4915123456789"],
  }),
  // The send stays on its way; the core reports a retry after a 429.
  sendTestTemplate: (_n: number, s: unknown, onRetry: (r: Retrying) => void) => {
    pending.onRetry = onRetry;
    pending.sent = s;
    return new Promise(() => {});
  },
  messageDetail: async () => null,
  // The core's phone parser: +90 carries 360dialog's note on Türkiye.
  parseContact: async (input: string) => {
    const wa_id = input.replace(/\D/g, "").replace(/^00/, "");
    return { wa_id, e164: `+${wa_id}`, delivery_note: wa_id.startsWith("90") ? "users inside Türkiye cannot receive" : null };
  },
  // The number's media library (the media id field offers it) and Meta's media types.
  mediaLibrary: async () => [],
  mediaTypes: async () => [],
}));

// Change events still go through the (mocked) IPC; commands are mocked above.
beforeEach(() => mockIPC(() => null, { shouldMockEvents: true }));
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("test-send", () => {
  it("reminds of opt-in, and notes Türkiye for a +90 recipient only", async () => {
    const { TestSend } = await import("./TestSend");
    const { VOCABULARY } = await import("../../lib/vocabulary");
    render(<TestSend numberId={1} name="order_shipped" language="en_US" onClose={() => {}} />);
    await screen.findByLabelText("Body {{1}}");
    expect(document.getElementById("send-opt-in")?.textContent).toBe(VOCABULARY.rules.opt_in);
    expect(VOCABULARY.rules.opt_in).toContain("opted in");
    await new Promise((r) => setTimeout(r, 300));
    expect(document.getElementById("send-delivery-note")).toBeNull();
    fireEvent.change(screen.getByLabelText("Recipient (international format)"), { target: { value: "+90 532 123 45 67" } });
    await waitFor(() => expect(document.getElementById("send-delivery-note")?.textContent).toContain("Türkiye"));
    fireEvent.change(screen.getByLabelText("Recipient (international format)"), { target: { value: "+49 151 2345678" } });
    await waitFor(() => expect(document.getElementById("send-delivery-note")).toBeNull());
  });

  it("opens a pasted curl command with its recipient and values, and shows its notes", async () => {
    const { TestSend } = await import("./TestSend");
    render(
      <TestSend
        numberId={1}
        name="order_shipped"
        language="en_US"
        onClose={() => {}}
        initial={{ to: "4917600000000", name: "order_shipped", language: "en_US", values: { "body.1": "Zoe" }, notes: ["The pasted command carried an API key; it was not kept."] }}
      />,
    );
    const body = (await screen.findByLabelText("Body {{1}}")) as HTMLInputElement;
    expect(body.value).toBe("Zoe");
    expect((screen.getByLabelText("Recipient (international format)") as HTMLInputElement).value).toBe("4917600000000");
    expect(document.getElementById("send-curl-notes")?.textContent).toContain("not kept");
  });

  it("shows a retry after a 429 instead of a silent Sending…", async () => {
    const { TestSend } = await import("./TestSend");
    render(<TestSend numberId={1} name="order_shipped" language="en_US" onClose={() => {}} />);
    await screen.findByLabelText("Body {{1}}");
    fireEvent.click(screen.getByRole("button", { name: "Send test" }));
    expect((await screen.findByRole("button", { name: "Sending…" })).hasAttribute("disabled")).toBe(true);
    pending.onRetry!({ retry: 2, of: 3, wait_ms: 2000, retry_after_secs: 2, http_status: 429 });
    await waitFor(() =>
      expect(document.getElementById("send-retrying")?.textContent).toBe("retrying (2 of 3) — 360dialog asked to wait 2 s"),
    );
    expect(document.getElementById("send-submit")?.textContent).toContain("retrying (2 of 3)");
  });

  it("renders the core's fields by path and sends the values under their paths", async () => {
    const { TestSend } = await import("./TestSend");
    render(<TestSend numberId={1} name="order_shipped" language="en_US" onClose={() => {}} />);
    const body = (await screen.findByLabelText("Body {{1}}")) as HTMLInputElement;
    expect(body.id).toBe("send-field-body-1");
    expect(body.value).toBe("Ana");
    const link = screen.getByLabelText("Header image: https link (fill this or the other)");
    expect(link.id).toBe("send-field-header-image-link");
    expect(link.getAttribute("inputmode")).toBe("url");
    expect(screen.getByLabelText("Header image: media id (from an upload) (fill this or the other)")).toBeTruthy();
    fireEvent.change(link, { target: { value: "https://x.example/a.png" } });
    fireEvent.click(screen.getByRole("button", { name: "Send test" }));
    await waitFor(() => expect(pending.sent).toBeTruthy());
    expect(pending.sent).toEqual({
      to: "4915123456789",
      name: "order_shipped",
      language: "en_US",
      values: { "header.image.link": "https://x.example/a.png", "header.image.id": "", "body.1": "Ana" },
    });
  });
});
