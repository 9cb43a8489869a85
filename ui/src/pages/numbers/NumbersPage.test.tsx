import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../App";
import type { KeySaved } from "../../lib/ipc/bindings/KeySaved";
import type { NumberView } from "../../lib/ipc/bindings/NumberView";
import type { VerifyOutcome } from "../../lib/ipc/bindings/VerifyOutcome";
import type { WebhookAfterKey } from "../../lib/ipc/bindings/WebhookAfterKey";

const SECRET = "Zk3-unique-api-key-9f8e7d";

function number(patch: Partial<NumberView> = {}): NumberView {
  return {
    id: 1,
    phone: "+4915123456789",
    label: "Support DE",
    environment: "simulator",
    base_url: "http://127.0.0.1:8360",
    base_url_override: null,
    notes: "",
    key_state: "none",
    key_hint: null,
    key_fingerprint: null,
    key_set_at: null,
    key_verified_at: null,
    phone_number_id: null,
    waba_id: null,
    health: null,
    health_checked_at: null,
    created_at: "2026-11-25T00:00:00Z",
    updated_at: "2026-11-25T00:00:00Z",
    ...patch,
  };
}

function saved(n: NumberView, webhook: Partial<WebhookAfterKey> = {}): KeySaved {
  return {
    number: n,
    webhook: {
      state: "none_known",
      known_url: null,
      known_header_names: [],
      current_url: null,
      message: "no webhook was known to check",
      ...webhook,
    },
  };
}

function outcome(id: number, result: VerifyOutcome["result"]): VerifyOutcome {
  return {
    number_id: id,
    phone: `+155500001${id}`,
    label: `US ${id}`,
    key_state: result === "superseded" ? "superseded" : "verified",
    result,
    message: result === "verified" ? "ok" : "360dialog answered HTTP 401",
  };
}

let calls: { cmd: string; args: Record<string, unknown> }[] = [];
let numbers: NumberView[] = [];

function backend(overrides: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  calls = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    if (overrides[cmd]) return overrides[cmd](a);
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return numbers;
      case "key_history":
        return [];
      case "verify_key":
        return numbers.find((n) => n.id === a.id);
      case "onboarding_progress":
        return [];
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  });
}

beforeEach(() => {
  location.hash = "#/numbers";
  localStorage.removeItem("wabadesk.lastEnvironment");
  numbers = [];
});

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Numbers page", () => {
  it("adds a number through the form and shows the core's validation message", async () => {
    backend({
      add_number: (a) => {
        const input = a.input as { phone: string };
        if (input.phone === "0151") {
          throw { code: "validation", message: "this looks like a national number; add the country code" };
        }
        numbers = [number()];
        return numbers[0];
      },
    });
    render(<App />);
    await screen.findByText("No numbers yet");
    fireEvent.click(screen.getByRole("button", { name: "Add number" }));
    fireEvent.change(screen.getByLabelText("Phone number", { exact: false }), { target: { value: "0151" } });
    fireEvent.change(screen.getByLabelText("Label"), { target: { value: "Support DE" } });
    fireEvent.submit(screen.getByRole("form", { name: "Add a number" }));
    expect((await screen.findByRole("alert")).textContent).toContain("national number");

    fireEvent.change(screen.getByLabelText("Phone number", { exact: false }), { target: { value: "+49 151 23456789" } });
    fireEvent.change(screen.getByLabelText("Environment"), { target: { value: "simulator" } });
    fireEvent.submit(screen.getByRole("form", { name: "Add a number" }));
    await screen.findByRole("heading", { name: "Support DE" });
    const add = calls.filter((c) => c.cmd === "add_number").at(-1)!;
    expect(add.args.input).toMatchObject({ phone: "+49 151 23456789", label: "Support DE", environment: "simulator" });
  });

  it("shows the core's label error at the label field", async () => {
    backend({
      add_number: () => {
        throw {
          code: "validation",
          field: "label",
          message: "the label contains a terminal escape (U+001B); use plain text",
        };
      },
    });
    render(<App />);
    await screen.findByText("No numbers yet");
    fireEvent.click(screen.getByRole("button", { name: "Add number" }));
    fireEvent.change(screen.getByLabelText("Phone number", { exact: false }), { target: { value: "+49 151 23456789" } });
    const label = screen.getByLabelText("Label", { exact: false });
    fireEvent.change(label, { target: { value: "Support \u001b[31mDE" } });
    fireEvent.submit(screen.getByRole("form", { name: "Add a number" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("terminal escape");
    expect(alert.id).toBe("number-label-error");
    expect(label.getAttribute("aria-invalid")).toBe("true");
    expect(label.getAttribute("aria-describedby")).toBe("number-label-error");
  });

  it("sends the pasted key once and never shows it again", async () => {
    numbers = [number()];
    backend({
      set_key: (a) => {
        expect(a).toMatchObject({ id: 1, key: SECRET, verify: true });
        numbers = [number({ key_state: "verified", key_hint: "••••7d", key_fingerprint: "ab12cd34" })];
        return saved(numbers[0]);
      },
    });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "Support DE" }));
    const input = screen.getByLabelText("Paste the API key") as HTMLInputElement;
    expect(input.type).toBe("password");
    fireEvent.change(input, { target: { value: SECRET } });
    fireEvent.submit(screen.getByRole("form", { name: "Set the API key" }));
    await screen.findByText("Key verified and saved.");
    expect(input.value).toBe("");
    expect(document.body.innerHTML).not.toContain(SECRET);
    const drawer = screen.getByRole("complementary");
    expect(within(drawer).getByText("ab12cd34")).toBeTruthy();
    expect(within(drawer).getAllByText("verified").length).toBeGreaterThan(0);
  });

  it("a 401 on Check now shows the explanation, the superseded state and the sidebar badge", async () => {
    numbers = [number({ key_state: "verified", key_hint: "••••1234", health_checked_at: new Date().toISOString() })];
    backend({
      verify_key: () => {
        numbers = [{ ...numbers[0], key_state: "superseded" }];
        throw { code: "unauthorized", message: "360dialog answered HTTP 401: Invalid api_key or token expired" };
      },
    });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "Support DE" }));
    fireEvent.click(screen.getByRole("button", { name: "Check now" }));
    expect((await screen.findByRole("alert")).textContent).toContain("API key rejected");
    await screen.findByLabelText("1 superseded key");
    expect(screen.getByText(/a newer key was generated/)).toBeTruthy();
  });

  it("removal asks for confirmation first", async () => {
    numbers = [number()];
    backend({ remove_number: () => ((numbers = []), null) });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "Support DE" }));
    fireEvent.click(screen.getByRole("button", { name: "Remove number…" }));
    expect(calls.some((c) => c.cmd === "remove_number")).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Remove Support DE" }));
    await screen.findByText("No numbers yet");
    expect(calls.filter((c) => c.cmd === "remove_number")).toHaveLength(1);
  });

  it("deleting the key asks first, then shows the number without a key", async () => {
    numbers = [number({ key_state: "verified", key_hint: "••••9f8e", key_fingerprint: "ab12cd34" })];
    backend({
      remove_key: (a) => {
        numbers = [number({ id: a.id as number })];
        return numbers[0];
      },
    });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "Support DE" }));
    fireEvent.click(screen.getByRole("button", { name: "Delete key…" }));
    expect(calls.some((c) => c.cmd === "remove_key")).toBe(false);
    screen.getByRole("alertdialog", { name: "Confirm key deletion" });
    fireEvent.click(screen.getByRole("button", { name: "Delete key" }));
    await screen.findByText("Key deleted from the keyring.");
    expect(calls.filter((c) => c.cmd === "remove_key").map((c) => c.args.id)).toEqual([1]);
    expect(screen.queryByRole("button", { name: "Delete key…" })).toBeNull();
  });

  it("refreshes stale health once when the page opens", async () => {
    numbers = [number({ key_state: "verified", health_checked_at: "2020-01-01T00:00:00Z" })];
    backend();
    render(<App />);
    await waitFor(() => expect(calls.filter((c) => c.cmd === "verify_key")).toHaveLength(1));
  });

  it("after adding a number, focus is on its key field; closing the drawer returns it to the number's row", async () => {
    backend({
      add_number: () => {
        numbers = [number()];
        return numbers[0];
      },
    });
    render(<App />);
    await screen.findByText("No numbers yet");
    fireEvent.click(screen.getByRole("button", { name: "Add number" }));
    fireEvent.change(screen.getByLabelText("Phone number", { exact: false }), { target: { value: "+49 151 23456789" } });
    fireEvent.change(screen.getByLabelText("Label"), { target: { value: "Support DE" } });
    fireEvent.submit(screen.getByRole("form", { name: "Add a number" }));
    await screen.findByRole("heading", { name: "Support DE" });
    await waitFor(() => expect(document.activeElement?.id).toBe("key-input"));
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(document.getElementById("number-drawer")).toBeNull();
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Support DE"));
    expect(document.activeElement?.closest("tr")?.getAttribute("data-phone")).toBe("+4915123456789");
  });

  it("a rejected key stays in the field to be corrected", async () => {
    numbers = [number()];
    backend({
      set_key: () => {
        throw { code: "unauthorized", message: "360dialog answered HTTP 401" };
      },
    });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "Support DE" }));
    const input = screen.getByLabelText("Paste the API key") as HTMLInputElement;
    fireEvent.change(input, { target: { value: "wrong-key-1" } });
    fireEvent.submit(screen.getByRole("form", { name: "Set the API key" }));
    expect((await screen.findByRole("alert")).textContent).toContain("API key rejected");
    expect(input.value).toBe("wrong-key-1");
  });

  it("the Add-number form keeps the environment chosen last", async () => {
    backend({
      add_number: (a) => {
        numbers = [number({ environment: (a.input as { environment: NumberView["environment"] }).environment })];
        return numbers[0];
      },
    });
    render(<App />);
    await screen.findByText("No numbers yet");
    fireEvent.click(screen.getByRole("button", { name: "Add number" }));
    expect((screen.getByLabelText("Environment") as HTMLSelectElement).value).toBe("production");
    fireEvent.change(screen.getByLabelText("Phone number", { exact: false }), { target: { value: "+49 151 23456789" } });
    fireEvent.change(screen.getByLabelText("Label"), { target: { value: "Support DE" } });
    fireEvent.change(screen.getByLabelText("Environment"), { target: { value: "simulator" } });
    fireEvent.submit(screen.getByRole("form", { name: "Add a number" }));
    await screen.findByRole("heading", { name: "Support DE" });
    fireEvent.click(screen.getByRole("button", { name: "Close details" }));
    fireEvent.click(screen.getByRole("button", { name: "Add number" }));
    expect((screen.getByLabelText("Environment") as HTMLSelectElement).value).toBe("simulator");
  });

  it("the Add-number form starts with the default environment set in Settings", async () => {
    localStorage.setItem("wabadesk.lastEnvironment", "production");
    backend({
      get_preferences: () => ({ theme: "system", last_number: null, base_urls: {}, default_environment: "sandbox", your_name: null, downloads_dir: null }),
    });
    render(<App />);
    await screen.findByText("No numbers yet");
    await waitFor(() => expect(document.documentElement.dataset.ready).toBe("true"));
    fireEvent.click(screen.getByRole("button", { name: "Add number" }));
    expect((screen.getByLabelText("Environment") as HTMLSelectElement).value).toBe("sandbox");
  });

  it("a key of another number is refused at the key field, and the key stays to be corrected", async () => {
    numbers = [number({ label: "Support US", phone: "+15550000101" })];
    const reason =
      "this key is already stored on Sales US (+15550000100); a key belongs to one number, so it was not saved on Support US (+15550000101)";
    backend({
      set_key: () => {
        throw { code: "validation", message: reason };
      },
    });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "Support US" }));
    const input = screen.getByLabelText("Paste the API key") as HTMLInputElement;
    fireEvent.change(input, { target: { value: "sales-key-1234" } });
    fireEvent.submit(screen.getByRole("form", { name: "Set the API key" }));
    const alert = await screen.findByRole("alert");
    expect(alert.id).toBe("key-error");
    expect(alert.textContent).toBe(reason);
    expect(input.value).toBe("sales-key-1234");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toBe("key-error");
    expect(within(screen.getByRole("form", { name: "Set the API key" })).getByRole("alert")).toBe(alert);
    expect(screen.queryByText("Key verified and saved.")).toBeNull();
  });

  it("a webhook the new key cleared is reported and re-applied in one click", async () => {
    numbers = [number({ key_state: "superseded", key_hint: "••••1234", health_checked_at: new Date().toISOString() })];
    const url = "https://hooks.example.com/wa_in";
    backend({
      set_key: () => {
        numbers = [number({ key_state: "verified", key_hint: "••••9f8e" })];
        return saved(numbers[0], {
          state: "gone",
          known_url: url,
          known_header_names: ["Authorization", "X-Wabadesk-Secret"],
          message: "the webhook is gone",
        });
      },
      reapply_webhook: (a) => ({
        number_id: a.id,
        url,
        headers: {},
        has_secret: true,
        changed_outside: null,
        shared_with: [],
        history: [],
        checked_at: null,
      }),
    });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "Support DE" }));
    fireEvent.change(screen.getByLabelText("Paste a new API key"), { target: { value: SECRET } });
    fireEvent.submit(screen.getByRole("form", { name: "Set the API key" }));
    await screen.findByText("Key verified and saved.");
    const banner = document.getElementById("webhook-lost")!;
    expect(banner.textContent).toContain("gone at 360dialog");
    expect(banner.textContent).toContain(url);
    expect(banner.textContent).toContain("Authorization, X-Wabadesk-Secret");
    expect(calls.some((c) => c.cmd === "reapply_webhook")).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Re-apply the webhook" }));
    await screen.findByText(`Webhook re-applied: ${url}`);
    expect(calls.filter((c) => c.cmd === "reapply_webhook").map((c) => c.args.id)).toEqual([1]);
    expect(document.getElementById("webhook-lost")).toBeNull();
  });

  it("a superseded key's health and last verified are marked stale", async () => {
    const health = { can_send_message: "AVAILABLE", entities: [] };
    numbers = [
      number({ key_state: "superseded", key_verified_at: "2026-11-25T00:00:00Z", health, health_checked_at: new Date().toISOString() }),
      number({ id: 2, label: "Sales US", phone: "+15550000100", key_state: "verified", key_verified_at: "2026-11-25T00:00:00Z", health, health_checked_at: new Date().toISOString() }),
    ];
    backend();
    render(<App />);
    const rows = await screen.findAllByRole("row");
    const support = rows.find((r) => r.getAttribute("data-number-id") === "1")!;
    const sales = rows.find((r) => r.getAttribute("data-number-id") === "2")!;
    expect(within(support).getAllByText("stale")).toHaveLength(2);
    expect(within(sales).queryByText("stale")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Support DE" }));
    const drawer = screen.getByRole("complementary");
    expect(drawer.querySelector("#drawer-last-verified")?.textContent).toContain("stale");
    expect(drawer.querySelector("#health-stale")?.textContent).toContain("superseded key");
  });

  it("Verify all keys ends with a summary", async () => {
    numbers = [number({ key_state: "verified", health_checked_at: new Date().toISOString() })];
    backend({
      verify_all: () => [outcome(1, "verified"), outcome(2, "verified"), outcome(3, "superseded")],
    });
    render(<App />);
    // The button is off until the numbers are loaded (there is a key to verify): wait for it.
    const verify = await screen.findByRole("button", { name: "Verify all keys" });
    await waitFor(() => expect((verify as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(verify);
    // Every number is checked in turn before the summary: give a busy machine time.
    const summary = await waitFor(
      () => {
        const el = document.getElementById("verify-summary");
        expect(el).not.toBeNull();
        return el!;
      },
      { timeout: 15000 },
    );
    expect(summary.textContent).toBe("Verify all keys: 2 verified, 1 superseded, 0 unreachable");
  }, 20000);
});
