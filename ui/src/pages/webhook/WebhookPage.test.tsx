import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../App";
import type { WebhookView } from "../../lib/ipc/bindings/WebhookView";

const NUMBER = {
  id: 7, phone: "+15550000100", label: "Shop", environment: "simulator", base_url: "http://127.0.0.1:8360",
  base_url_override: null, notes: "", key_state: "verified", key_hint: "••••abcd", key_fingerprint: "12345678",
  key_set_at: null, key_verified_at: null, phone_number_id: "1", waba_id: "2", health: null,
  health_checked_at: new Date().toISOString(), created_at: "x", updated_at: "x",
};

function view(patch: Partial<WebhookView> = {}): WebhookView {
  return { number_id: 7, url: null, headers: {}, has_secret: false, changed_outside: null, shared_with: [], history: [], checked_at: null, ...patch };
}

let saved: unknown[] = [];
let checked: unknown[] = [];

/** The team relay this profile follows (none unless a test sets one). */
let relay: { connected: boolean; url: string | null } = { connected: false, url: null };

function backend(current: WebhookView) {
  saved = [];
  checked = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [NUMBER];
      case "get_webhook":
        return current;
      case "get_destinations":
        return { enabled: false, destinations: [] };
      case "check_webhook_url":
        checked.push(a);
        if (String(a.url).includes("_hooks")) throw { code: "validation", message: "360dialog does not accept '_' in the host name" };
        return a.url;
      case "check_webhook_headers":
        // The core's answer; here only the rule the tests below type against.
        return {
          max: 10,
          problems: (a.rows as { name: string }[]).map((r) => ({
            name: r.name.includes("_") ? "360dialog does not accept '_' in header names; use '-'" : null,
            value: null,
          })),
        };
      case "test_webhook_endpoint":
        return { url: a.url, status: 200, latency_ms: 12, ok: true, within_limit: true, error: null };
      case "point_webhook_at_inbox":
        saved.push({ point: a });
        return view({ url: "http://127.0.0.1:8377/webhook", history: [{ at: "2026-11-25T00:00:00Z", old_url: null, new_url: "http://127.0.0.1:8377/webhook", source: "app", actor: "ui" }] });
      case "relay_status":
        return { ...relay, token_name: relay.connected ? "front desk" : null, cursor: 0, last_sync_at: null, last_error: null, problem: null, problem_details: null, next_retry_at: null };
      case "set_webhook":
        saved.push(a);
        return view({ url: (a.input as { url: string }).url, headers: (a.input as { headers: Record<string, string> }).headers });
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  });
}

beforeEach(() => {
  relay = { connected: false, url: null };
  location.hash = "#/webhook";
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Webhook page", () => {
  it("explains a rule violation at the field, then saves the fixed URL with its headers", async () => {
    backend(view());
    render(<App />);
    const input = (await screen.findByLabelText("Main webhook URL")) as HTMLInputElement;
    fireEvent.change(input, { target: { value: "https://my_hooks.example.com/x" } });
    await waitFor(() => expect(screen.getByText(/does not accept '_'/)).toBeTruthy());
    expect((screen.getByRole("button", { name: "Save at 360dialog" }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(input, { target: { value: "https://hooks.example.com/wa_in" } });
    await waitFor(() => expect(screen.queryByText(/does not accept '_'/)).toBeNull());
    fireEvent.click(screen.getByRole("button", { name: "Add header" }));
    fireEvent.change(screen.getByLabelText("Header 1 name"), { target: { value: "Authorization" } });
    fireEvent.change(screen.getByLabelText("Header 1 value"), { target: { value: "Basic abc" } });
    fireEvent.submit(screen.getByRole("form", { name: "Webhook settings" }));
    await screen.findByText(/Saved\. 360dialog now has/);
    expect(saved).toEqual([{ id: 7, input: { url: "https://hooks.example.com/wa_in", headers: { Authorization: "Basic abc" }, secret: false } }]);
  });

  it("warns when the URL was changed outside WABA Desk", async () => {
    backend(view({ url: "https://b.example.com/", changed_outside: { previous: "https://a.example.com/", current: "https://b.example.com/" } }));
    render(<App />);
    const warning = await screen.findByText(/Changed outside WABA Desk/);
    expect(warning.parentElement?.textContent).toContain("https://a.example.com/");
    expect(screen.getByRole("button", { name: "Keep the new URL" })).toBeTruthy();
  });

  it("checks a header at its field as you type, with visible Name and Value captions", async () => {
    backend(view({ url: "https://hooks.example.com/in" }));
    render(<App />);
    await screen.findByLabelText("Main webhook URL");
    fireEvent.click(screen.getByRole("button", { name: "Add header" }));
    const row = document.querySelector("[data-header-row='0']") as HTMLElement;
    expect(Array.from(row.querySelectorAll("label > span")).map((s) => s.textContent)).toEqual(["Name", "Value"]);
    const name = screen.getByLabelText("Header 1 name");
    fireEvent.change(name, { target: { value: "X_Api_Key" } });
    fireEvent.change(screen.getByLabelText("Header 1 value"), { target: { value: "abc" } });
    const problem = await within(row).findByRole("alert");
    expect(problem.textContent).toMatch(/'_' in header names/);
    expect(name.getAttribute("aria-invalid")).toBe("true");
    expect(name.getAttribute("aria-describedby")).toBe(problem.id);
    expect((screen.getByRole("button", { name: "Save at 360dialog" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(name, { target: { value: "X-Api-Key" } });
    await waitFor(() => expect(within(row).queryByRole("alert")).toBeNull());
    await waitFor(() => expect((screen.getByRole("button", { name: "Save at 360dialog" }) as HTMLButtonElement).disabled).toBe(false));
    expect(saved).toEqual([]);
  });

  it("drops the endpoint-test result when the URL changes", async () => {
    backend(view({ url: "https://hooks.example.com/in" }));
    render(<App />);
    await screen.findByLabelText("Main webhook URL");
    fireEvent.click(screen.getByRole("button", { name: "Send test event" }));
    await screen.findByText(/HTTP 200 in 12 ms/);
    fireEvent.change(screen.getByLabelText("Main webhook URL"), { target: { value: "https://other.example.com/in" } });
    expect(screen.queryByText(/HTTP 200 in 12 ms/)).toBeNull();
  });

  it("checks the URL as you type with the number's own rules", async () => {
    backend(view());
    render(<App />);
    const input = (await screen.findByLabelText("Main webhook URL")) as HTMLInputElement;
    fireEvent.change(input, { target: { value: "http://127.0.0.1:8377/webhook" } });
    await waitFor(() => expect(checked).toContainEqual({ url: "http://127.0.0.1:8377/webhook", id: 7 }));
    await waitFor(() => expect((screen.getByRole("button", { name: "Save at 360dialog" }) as HTMLButtonElement).disabled).toBe(false));
    expect(screen.getByText(/may also use http:\/\/ on this computer/)).toBeTruthy();
  });

  it("points the number's webhook at this app's inbox in one click", async () => {
    backend(view({ url: "https://hooks.example.com/in" }));
    render(<App />);
    await screen.findByLabelText("Main webhook URL");
    fireEvent.click(screen.getByRole("button", { name: "Point this number's webhook at this app's inbox" }));
    await screen.findByText(/Saved\. 360dialog now has/);
    expect(saved).toEqual([{ point: { id: 7, listen: "127.0.0.1:8377" } }]);
    expect(screen.getByText("http://127.0.0.1:8377/webhook", { selector: "#webhook-current-url" })).toBeTruthy();
    expect((screen.getByLabelText("Main webhook URL") as HTMLInputElement).value).toBe("http://127.0.0.1:8377/webhook");
  });

  it("asks before taking a number off the team relay, and says the webhook is the relay's", async () => {
    relay = { connected: true, url: "http://127.0.0.1:8790" };
    backend(view({ url: "http://127.0.0.1:8790/webhook", has_secret: true }));
    render(<App />);
    await screen.findByText(/the team relay: every colleague's desktop gets this number's events/);
    fireEvent.click(screen.getByRole("button", { name: "Point this number's webhook at this app's inbox" }));
    const ask = await screen.findByRole("alertdialog", { name: "Take this number off the team relay?" });
    expect(saved).toEqual([]);
    fireEvent.click(within(ask).getByRole("button", { name: "Keep it on the relay" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(saved).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Point this number's webhook at this app's inbox" }));
    fireEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Point it at this app's inbox" }));
    await screen.findByText(/Saved\. 360dialog now has/);
    expect(saved).toEqual([{ point: { id: 7, listen: "127.0.0.1:8377" } }]);
  });
});
