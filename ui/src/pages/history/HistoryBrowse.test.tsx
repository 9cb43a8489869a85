import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../App";
import type { MessageView } from "../../lib/ipc/bindings/MessageView";
import { MAX_ROWS } from "./historyWindow";

function msg(id: number): MessageView {
  return {
    id, number_id: null, direction: "out", wamid: `wamid.${id}`, contact: "4915123456789", contact_name: null,
    type: "text", template_name: null, template_language: null, body: `message ${id}`, status: "sent", sent_at: null, delivered_at: null,
    read_at: null, failed_at: null, error_code: null, error_title: null, error_explanation: null, created_at: new Date().toISOString(),
    attempt_ref: null, reaction: null, edited_at: null, deleted_at: null, sent_by: null,
  };
}

// A history of `count` messages, paged by keyset as the core pages it.
let count = 0;
let filters: Record<string, number | null>[] = [];

beforeEach(() => {
  location.hash = "#/history";
  count = 5000;
  filters = [];
  mockIPC((cmd, args) => {
    const f = ((args ?? {}) as { filter?: Record<string, number | null> }).filter ?? {};
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [];
      case "list_messages": {
        filters.push(f);
        const limit = f.limit ?? 200;
        const ids: number[] = [];
        if (f.after_id != null) {
          for (let id = f.after_id + 1; id <= count && ids.length < limit; id++) ids.unshift(id);
        } else {
          for (let id = Math.min(count, (f.before_id ?? count + 1) - 1); id >= 1 && ids.length < limit; id--) ids.push(id);
        }
        return ids.map(msg);
      }
      case "history_counts":
        return [["sent", count]];
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  }, { shouldMockEvents: true });
});
afterEach(() => {
  cleanup();
  clearMocks();
});

const body = () => document.querySelector("#history-table .vtable__body") as HTMLElement;
const held = () => Number(document.querySelector("#history-table")!.getAttribute("aria-rowcount"));
const topRow = () => {
  const i = Math.floor(body().scrollTop / 40);
  return document.getElementById(`history-table-row-${i}`)?.getAttribute("data-wamid");
};
async function scrollToEnd() {
  const before = filters.length;
  // The bottom of the table (its body shows 14 rows).
  const bottom = (held() - 14) * 40;
  body().scrollTop = bottom;
  fireEvent.scroll(body());
  await waitFor(() => expect(filters.length).toBeGreaterThan(before));
  // The older page came in below: the same rows are in view, further from the end.
  await waitFor(() => expect((held() - 14) * 40 - body().scrollTop).toBeGreaterThanOrEqual(40 * 90));
}

describe("browsing a long History", () => {
  it("holds a bounded window scrolling down, loads newer rows scrolling back up, and keeps the row in view", async () => {
    render(<App />);
    await screen.findByText("message 5000");
    expect(screen.getByText(/5,000 messages; older ones load as you scroll/)).toBeTruthy();
    for (let i = 0; i < 15; i++) await scrollToEnd();
    expect(held()).toBeLessThanOrEqual(MAX_ROWS);
    expect(filters.some((f) => f.after_id != null)).toBe(false);
    expect(screen.getByText(/newer and older ones load/)).toBeTruthy();
    // Rows left at the top: scrolling up asks for the page just above the first row.
    // 1,600 rows read, the first 600 left: the window starts at 4,400.
    const first = 5000 - (100 * (1 + filters.filter((f) => f.before_id != null).length) - MAX_ROWS);
    expect(first).toBe(4400);
    body().scrollTop = 15 * 40;
    fireEvent.scroll(body());
    await waitFor(() => expect(filters.at(-1)?.after_id).toBe(first));
    await waitFor(() => expect(body().scrollTop).toBe(115 * 40));
    // The view did not move: the row that was at its top (15 below the old first) still is.
    expect(topRow()).toBe(`wamid.${first - 15}`);
    body().scrollTop = 0;
    fireEvent.scroll(body());
    await screen.findByText(`message ${first + 100}`);
    expect(held()).toBeLessThanOrEqual(MAX_ROWS);
  });

  it("End goes to the oldest message and Home back to the newest, by keyset, not by scrolling everything", async () => {
    render(<App />);
    await screen.findByText("message 5000");
    fireEvent.keyDown(body(), { key: "End" });
    await waitFor(() => expect(filters.at(-1)?.after_id).toBe(0));
    await screen.findByText("message 1");
    expect(held()).toBe(100);
    expect(body().getAttribute("aria-activedescendant")).toBe("history-table-row-99");
    fireEvent.click(screen.getByRole("button", { name: "Newest" }));
    await screen.findByText("message 5000");
    expect(body().scrollTop).toBe(0);
    expect(body().getAttribute("aria-activedescendant")).toBe("history-table-row-0");
  });

  it("new messages arriving while the user is scrolled down do not move the view; at the top they show", async () => {
    render(<App />);
    await screen.findByText("message 5000");
    await scrollToEnd();
    body().scrollTop = 120 * 40;
    fireEvent.scroll(body());
    const inView = topRow();
    expect(inView).toBe("wamid.4880");
    count = 5003;
    await emit("app://changed", { topic: "messages", numberId: null });
    await waitFor(() => expect(body().scrollTop).toBe(123 * 40));
    expect(topRow()).toBe(inView);
    body().scrollTop = 0;
    fireEvent.scroll(body());
    count = 5004;
    await emit("app://changed", { topic: "messages", numberId: null });
    await screen.findByText("message 5004");
    expect(body().scrollTop).toBe(0);
  });
});
