import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../App";
import { historyHref, linkFromHash } from "../../lib/historyLink";
import type { Insights } from "../../lib/ipc/bindings/Insights";
import { periodFilter } from "./InsightsFilters";

const counts = (patch: Partial<Insights["totals"]> = {}) => ({ pending: 0, sent: 0, delivered: 0, read: 0, failed: 0, not_sent: 0, inbound: 0, ...patch });

const DATA: Insights = {
  since: "2026-11-20T00:00:00.000Z",
  until: "2026-11-22T00:00:00.000Z",
  previous_since: "2026-11-18T00:00:00.000Z",
  bucket: "day",
  totals: counts({ delivered: 2, read: 1, failed: 2, not_sent: 1, inbound: 3 }),
  previous_totals: counts({ delivered: 1, failed: 1 }),
  series: [
    { key: "2026-11-20", start: "2026-11-20T00:00:00.000Z", end: "2026-11-21T00:00:00.000Z", counts: counts({ read: 1, delivered: 1, inbound: 3 }), delivery_rate: 1, read_rate: 0.5 },
    { key: "2026-11-21", start: "2026-11-21T00:00:00.000Z", end: "2026-11-22T00:00:00.000Z", counts: counts({ delivered: 1, failed: 2, not_sent: 1 }), delivery_rate: 1 / 3, read_rate: 0 },
  ],
  templates: [
    { template: "order_update", language: "en", sent: 3, delivered: 2, read: 1, failed: 1, delivery_rate: 2 / 3, read_rate: 0.5, failure_rate: 1 / 3, previous_sent: 2, delivery_rate_change: 1 / 6, read_rate_change: 0.5, failure_rate_change: -1 / 6 },
  ],
  errors: [{ code: 131026, failed: 1, not_sent: 0, explanation: "The message could not be delivered." }],
  replies: { answered: 1, waiting: 1, mean_seconds: 600, median: "5–15 min", buckets: [{ label: "under 1 min", under_seconds: 60, count: 0 }, { label: "5–15 min", under_seconds: 900, count: 1 }] },
  window: { inside: 1, outside: 4, inside_rate: 0.2 },
  categories: [{ category: "utility", count: 2 }, { category: null, count: 2 }],
};

let calls: { cmd: string; args: Record<string, unknown> }[] = [];

beforeEach(() => {
  location.hash = "#/insights";
  calls = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [{ id: 7, phone: "+15550000100", label: "Shop", environment: "simulator", key_state: "verified" }];
      case "insights":
        return DATA;
      case "export_insights_csv":
        return "/home/u/Downloads/wabadesk-insights-errors.csv";
      case "list_messages":
        return [];
      case "history_counts":
        return [];
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  }, { shouldMockEvents: true });
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Insights", () => {
  it("shows every figure with a table alternative and links each chart to History", async () => {
    render(<App />);
    const volume = await screen.findByRole("region", { name: "Messages per day" });
    // A bar segment opens History with the bucket, the direction and the status.
    const failed = within(volume).getByRole("link", { name: "11-21: 2 failed" });
    const link = linkFromHash(failed.getAttribute("href")!);
    expect(link).toEqual({
      number_id: null, direction: "out", status: "failed", since: "2026-11-21T00:00:00.000Z", until: "2026-11-22T00:00:00.000Z",
    });
    // The same figures as a table.
    const table = within(volume).getByRole("table");
    expect(within(table).getAllByRole("row")[2].textContent).toContain("2026-11-21");
    expect(screen.getByText("The message could not be delivered.")).toBeTruthy();
    const errorLink = screen.getByRole("link", { name: "Error 131026" });
    expect(linkFromHash(errorLink.getAttribute("href")!)).toMatchObject({ direction: "out", error_code: 131026 });
    const tpl = within(document.getElementById("insights-templates-table")!).getByRole("link", { name: /order_update/ });
    expect(linkFromHash(tpl.getAttribute("href")!)).toMatchObject({ template: "order_update", language: "en" });
    expect(screen.getByText(/\+16\.7 points/)).toBeTruthy();
    expect(screen.getByText(/half of them within 5–15 min/)).toBeTruthy();
    expect(screen.getByText(/20\.0 % of 5 messages/)).toBeTruthy();
    expect(screen.getAllByText("not reported").length).toBeGreaterThan(0);
  });

  it("filters by numbers, period, template and language, and exports a chart as CSV", async () => {
    render(<App />);
    await screen.findByRole("region", { name: "Messages per day" });
    fireEvent.click(screen.getByRole("checkbox", { name: /Shop/ }));
    fireEvent.click(screen.getByRole("button", { name: "7 days" }));
    fireEvent.change(screen.getByLabelText("Template"), { target: { value: "order_update" } });
    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "en" } });
    await waitFor(() => {
      const f = calls.filter((c) => c.cmd === "insights").at(-1)!.args.filter as Record<string, unknown>;
      expect(f).toMatchObject({ number_ids: [7], template: "order_update", language: "en", until: null });
      const days = (Date.now() - Date.parse(String(f.since))) / 86_400_000;
      expect(Math.round(days)).toBe(7);
    });
    // One number: the links name it.
    const total = await screen.findByRole("link", { name: /sent \(previous period/ });
    await waitFor(() => expect(linkFromHash(total.getAttribute("href")!)).toMatchObject({ number_id: 7, template: "order_update", language: "en" }));
    fireEvent.click(screen.getByRole("button", { name: "Custom" }));
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2026-11-01" } });
    fireEvent.change(screen.getByLabelText("To (included)"), { target: { value: "2026-11-30" } });
    await waitFor(() => {
      const f = calls.filter((c) => c.cmd === "insights").at(-1)!.args.filter as Record<string, unknown>;
      expect(f).toMatchObject({ since: "2026-11-01", until: "2026-12-01" });
    });
    const errors = screen.getByRole("region", { name: "Failures by error code" });
    fireEvent.click(within(errors).getByRole("button", { name: "Export CSV" }));
    expect(await within(errors).findByText("/home/u/Downloads/wabadesk-insights-errors.csv")).toBeTruthy();
    const csv = calls.filter((c) => c.cmd === "export_insights_csv").at(-1)!.args;
    expect(csv.chart).toBe("errors");
    expect(csv.filter).toMatchObject({ number_ids: [7], since: "2026-11-01", until: "2026-12-01" });
  });

  it("History opens with the filter a chart links to", async () => {
    location.hash = historyHref({ number_id: null, direction: "out", status: "failed", error_code: 131026, template: "order_update", language: "en", since: "2026-11-21T00:00:00.000Z", until: "2026-11-22T00:00:00.000Z" });
    render(<App />);
    await screen.findByRole("heading", { level: 1, name: "History" });
    await waitFor(() => {
      const f = calls.filter((c) => c.cmd === "list_messages").at(-1)?.args.filter as Record<string, unknown>;
      expect(f).toMatchObject({
        number_id: null, direction: "out", status: "failed", error_code: 131026, template: "order_update", language: "en",
        since: "2026-11-21T00:00:00.000Z", until: "2026-11-22T00:00:00.000Z",
      });
    });
    expect(screen.getByText(/Also filtered by template order_update, language en, error 131026/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Clear these filters" }));
    await waitFor(() => {
      const f = calls.filter((c) => c.cmd === "list_messages").at(-1)?.args.filter as Record<string, unknown>;
      expect(f).toMatchObject({ template: null, language: null, error_code: null, since: null, until: null, status: "failed" });
    });
  });

  it("a custom period includes its last day", () => {
    expect(periodFilter({ preset: "custom", since: "2026-11-01", until: "2026-11-30" })).toEqual({ since: "2026-11-01", until: "2026-12-01" });
    expect(periodFilter({ preset: "24h", since: "", until: "" }, Date.parse("2026-12-01T10:00:00Z"))).toEqual({ since: "2026-11-30T10:00:00.000Z", until: null });
  });
});
