// axe on the pages this work touched, in jsdom (colour contrast needs a real renderer; the E2E
// run checks it in the window): every control is labelled, roles and ARIA references are valid.
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "./App";

const NUMBER = {
  id: 7, phone: "+15550000100", label: "Shop", environment: "simulator", base_url: "http://127.0.0.1:8360",
  base_url_override: null, notes: "", key_state: "verified", key_hint: "••••abcd", key_fingerprint: "12345678",
  key_set_at: null, key_verified_at: null, phone_number_id: "1", waba_id: "2", health: null,
  health_checked_at: new Date().toISOString(), created_at: "x", updated_at: "x",
};
const MSG = {
  id: 1, number_id: 7, direction: "out", wamid: "wamid.1", contact: "4915123456789", contact_name: null, type: "text",
  template_name: null, template_language: null, body: "hello", status: "read", sent_at: null, delivered_at: null, read_at: null, failed_at: null,
  error_code: null, error_title: null, created_at: new Date().toISOString(), reaction: null, edited_at: null, deleted_at: null,
};

const COUNTS = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 1, not_sent: 1, inbound: 4 };
const INSIGHTS = {
  since: "2026-11-20T00:00:00.000Z", until: "2026-11-22T00:00:00.000Z", previous_since: "2026-11-18T00:00:00.000Z", bucket: "day",
  totals: COUNTS, previous_totals: COUNTS,
  series: ["20", "21"].map((d) => ({
    key: `2026-11-${d}`, start: `2026-11-${d}T00:00:00.000Z`, end: `2026-11-${Number(d) + 1}T00:00:00.000Z`, counts: COUNTS, delivery_rate: 0.8, read_rate: 0.6,
  })),
  templates: [{ template: "order_update", language: "en", sent: 7, delivered: 5, read: 3, failed: 1, delivery_rate: 0.7, read_rate: 0.6, failure_rate: 0.1, previous_sent: 7, delivery_rate_change: 0, read_rate_change: 0, failure_rate_change: 0 }],
  errors: [{ code: 131026, failed: 1, not_sent: 0, explanation: "Undeliverable." }, { code: null, failed: 1, not_sent: 0, explanation: null }],
  replies: { answered: 2, waiting: 1, mean_seconds: 300, median: "1–5 min", buckets: [{ label: "1–5 min", under_seconds: 300, count: 2 }] },
  window: { inside: 3, outside: 4, inside_rate: 3 / 7 },
  categories: [{ category: "utility", count: 7 }],
};

function backend() {
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [NUMBER];
      case "list_messages":
        return [MSG];
      case "history_counts":
        return [["read", 1]];
      case "message_detail":
        return { message: MSG, events: [], error_details: null, request_json: null, response_json: null, event_json: null };
      case "get_webhook":
        return { number_id: 7, url: "https://hooks.example.com/in", headers: { Authorization: "x" }, has_secret: false, changed_outside: null, shared_with: [], history: [], checked_at: null };
      case "get_destinations":
        return { enabled: true, destinations: [{ name: "copy", url: "https://copy.example.com/in", headers: {} }] };
      case "check_webhook_url":
        return a.url;
      case "insights":
        return INSIGHTS;
      case "check_webhook_headers":
        return { max: 10, problems: (a.rows as unknown[]).map(() => ({ name: null, value: null })) };
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  }, { shouldMockEvents: true });
}

async function violations(root: Element = document.body) {
  const r = await axe.run(root, { rules: { "color-contrast": { enabled: false }, region: { enabled: false } } });
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

// jsdom has no canvas; axe only uses it for icon-font heuristics.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("accessibility", () => {
  it("History with the message drawer open", async () => {
    backend();
    location.hash = "#/history";
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: /now|ago/ }));
    await screen.findByText("Timeline");
    // The filters, the table header and the drawer (the windowed table body's keyboard model
    // predates this check: see VirtualRows).
    for (const part of ["form[aria-label='Filter messages']", "#history-table .vtable__head", "#message-drawer"]) {
      expect(await violations(document.querySelector(part)!)).toEqual([]);
    }
  });

  it("Insights with every chart, its table open", async () => {
    backend();
    location.hash = "#/insights";
    render(<App />);
    await screen.findByRole("region", { name: "Messages per day" });
    for (const d of Array.from(document.querySelectorAll("details"))) d.open = true;
    expect(await violations(document.querySelector("main")!)).toEqual([]);
  });

  it("Webhook with header rows and destinations", async () => {
    backend();
    location.hash = "#/webhook";
    render(<App />);
    await screen.findByLabelText("Main webhook URL");
    fireEvent.click(await screen.findByRole("button", { name: "Edit copy" }));
    fireEvent.change(screen.getByLabelText("Header 1 name"), { target: { value: "Bad_Name" } });
    expect(await violations()).toEqual([]);
  });
});
