import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../App";
import type { NumberView } from "../ipc/bindings/NumberView";
import type { Preferences } from "../ipc/bindings/Preferences";

function number(id: number, label: string): NumberView {
  return {
    id, phone: `+1555000010${id}`, label, environment: "simulator", base_url: "http://127.0.0.1:8360",
    base_url_override: null, notes: "", key_state: "verified", key_hint: "••••abcd", key_fingerprint: "12345678",
    key_set_at: null, key_verified_at: null, phone_number_id: String(id), waba_id: "2", health: null,
    health_checked_at: new Date().toISOString(), created_at: "x", updated_at: "x",
  };
}

let prefs: Preferences;
let saved: Preferences[];
let historyFilters: { number_id: number | null }[];
let auditFilters: { number_id: number | null }[];

beforeEach(() => {
  prefs = { theme: "system", last_number: null, base_urls: {}, default_environment: null, your_name: null, downloads_dir: null };
  saved = [];
  historyFilters = [];
  auditFilters = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "get_preferences":
        return prefs;
      case "set_preferences":
        saved.push(a.preferences as Preferences);
        return a.preferences;
      case "list_numbers":
        return [number(1, "Alpha"), number(2, "Beta")];
      case "conversation":
        return { messages: [], window: { open: false, open_until: null, last_inbound_at: null } };
      case "list_messages":
        historyFilters.push(a.filter as { number_id: number | null });
        return [];
      case "history_counts":
        return [];
      case "list_audit":
        auditFilters.push(a.filter as { number_id: number | null });
        return [];
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  });
});
afterEach(() => {
  cleanup();
  clearMocks();
});

const go = (section: string) => act(() => {
  location.hash = `#/${section}`;
  window.dispatchEvent(new HashChangeEvent("hashchange"));
});
const select = (id: string) => document.getElementById(id) as HTMLSelectElement;

describe("the chosen number", () => {
  it("is kept across pages and navigation, saved in the preferences; All numbers where a page can show all", async () => {
    location.hash = "#/send";
    render(<App />);
    await waitFor(() => expect(select("send-number").options.length).toBe(3));
    expect(select("send-number").value).toBe("");
    fireEvent.change(select("send-number"), { target: { value: "2" } });
    await waitFor(() => expect(saved.at(-1)?.last_number).toBe("2"));

    go("history");
    await waitFor(() => expect(select("history-number").value).toBe("2"));
    expect(select("history-number").options[0].textContent).toBe("All numbers");
    await waitFor(() => expect(historyFilters.at(-1)?.number_id).toBe(2));

    go("audit");
    await waitFor(() => expect(auditFilters.at(-1)?.number_id).toBe(2));
    fireEvent.change(select("audit-number"), { target: { value: "" } });
    await waitFor(() => expect(auditFilters.at(-1)?.number_id).toBeNull());

    go("history");
    await waitFor(() => expect(select("history-number").value).toBe(""));
    await waitFor(() => expect(historyFilters.at(-1)?.number_id).toBeNull());

    // A page that needs one number still shows the last one chosen.
    go("send");
    await waitFor(() => expect(select("send-number").value).toBe("2"));
    expect(screen.getByRole("option", { name: /Choose a number/ })).toBeTruthy();
  });

  it("starts with the number remembered in the preferences", async () => {
    prefs = { ...prefs, last_number: "1" };
    location.hash = "#/send";
    render(<App />);
    await waitFor(() => expect(select("send-number").value).toBe("1"));
    go("history");
    await waitFor(() => expect(select("history-number").value).toBe("1"));
    expect(saved).toEqual([]);
  });
});
