import { describe, expect, it } from "vitest";
import { newestWindow, oldestWindow, refreshed, updated, withNewer, withOlder, type RowWindow } from "./historyWindow";

type Row = { id: number; status?: string };

/** A store of messages 1..n, paged the way the core pages them (newest first). */
function store(n: number) {
  const all = Array.from({ length: n }, (_, i) => ({ id: n - i }));
  return {
    newest: (limit: number) => all.slice(0, limit),
    before: (id: number, limit: number) => all.filter((m) => m.id < id).slice(0, limit),
    after: (id: number, limit: number) => all.filter((m) => m.id > id).slice(-limit),
  };
}
const ids = (w: RowWindow<Row>) => w.rows.map((m) => m.id);
const span = (w: RowWindow<Row>) => [w.rows[0]?.id, w.rows[w.rows.length - 1]?.id];

describe("the History window", () => {
  it("scrolls down through everything holding at most max rows, trimming the top", () => {
    const s = store(1050);
    let w = newestWindow(s.newest(100), 100);
    expect([w.atNewest, w.atOldest]).toEqual([true, false]);
    const seen: number[] = [...ids(w)];
    while (!w.atOldest) {
      const page = s.before(w.rows[w.rows.length - 1].id, 100);
      seen.push(...page.map((m) => m.id));
      w = withOlder(w, page, 100, 300);
      expect(w.rows.length).toBeLessThanOrEqual(300);
      expect(ids(w)).toEqual([...ids(w)].sort((a, b) => b - a));
    }
    expect(seen).toEqual(Array.from({ length: 1050 }, (_, i) => 1050 - i));
    expect(span(w)).toEqual([300, 1]);
    expect(w.atNewest).toBe(false);
  });

  it("scrolls back up from the oldest, trimming the bottom, until it is at the newest again", () => {
    const s = store(1050);
    let w = oldestWindow(s.after(0, 100), 100);
    expect(span(w)).toEqual([100, 1]);
    expect([w.atNewest, w.atOldest]).toEqual([false, true]);
    let steps = 0;
    while (!w.atNewest) {
      w = withNewer(w, s.after(w.rows[0].id, 100), 100, 300);
      expect(w.rows.length).toBeLessThanOrEqual(300);
      steps++;
    }
    expect(span(w)).toEqual([1050, 751]);
    expect(w.atOldest).toBe(false);
    expect(steps).toBe(10);
    // Contiguous: no row skipped between pages.
    expect(ids(w)).toEqual(Array.from({ length: 300 }, (_, i) => 1050 - i));
  });

  it("a short history fits in one window at both ends", () => {
    const w = newestWindow([{ id: 3 }, { id: 2 }, { id: 1 }], 100);
    expect([w.atNewest, w.atOldest]).toEqual([true, true]);
    expect(oldestWindow([{ id: 1 }], 100).atNewest).toBe(true);
  });

  it("ignores rows of a page that the window already holds", () => {
    const w = newestWindow([{ id: 5 }, { id: 4 }], 2);
    expect(ids(withOlder(w, [{ id: 4 }, { id: 3 }], 2))).toEqual([5, 4, 3]);
    expect(ids(withNewer(w, [{ id: 6 }, { id: 5 }], 2))).toEqual([6, 5, 4]);
  });

  it("takes new messages in at the top while it starts at the newest, keeping the older rows", () => {
    const w = newestWindow(
      Array.from({ length: 4 }, (_, i) => ({ id: 10 - i })),
      2,
    );
    const r = refreshed(w, [{ id: 12 }, { id: 11 }], 2, null, 10);
    expect(ids(r)).toEqual([12, 11, 10, 9, 8, 7]);
    expect(r.atNewest).toBe(true);
    // Everything fits in one page: the page is the whole list.
    expect(ids(refreshed(w, [{ id: 10 }], 2))).toEqual([10]);
  });

  it("over the maximum, drops rows at the bottom unless the row in view would go, then at the top", () => {
    const w: RowWindow<Row> = { rows: Array.from({ length: 6 }, (_, i) => ({ id: 10 - i })), atNewest: true, atOldest: true };
    const near = refreshed(w, [{ id: 13 }, { id: 12 }, { id: 11 }], 3, 9, 6);
    expect(ids(near)).toEqual([13, 12, 11, 10, 9, 8]);
    expect([near.atNewest, near.atOldest]).toEqual([true, false]);
    // The user is looking at row 5, far down: it stays, the newest arrivals wait above.
    const far = refreshed(w, [{ id: 13 }, { id: 12 }, { id: 11 }], 3, 5, 6);
    expect(ids(far)).toEqual([10, 9, 8, 7, 6, 5]);
    expect([far.atNewest, far.atOldest]).toEqual([false, true]);
  });

  it("scrolled away from the newest, a refresh only updates the rows held", () => {
    const w: RowWindow<Row> = { rows: [{ id: 50, status: "sent" }, { id: 49, status: "sent" }], atNewest: false, atOldest: false };
    const r = refreshed(w, [{ id: 99 }, { id: 50, status: "read" }], 2);
    expect(r.rows).toEqual([{ id: 50, status: "read" }, { id: 49, status: "sent" }]);
    expect(r.atNewest).toBe(false);
    expect(updated(w, [{ id: 7 }])).toBe(w);
  });
});
