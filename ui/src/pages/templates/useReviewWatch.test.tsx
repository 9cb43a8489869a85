import { act, cleanup, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TemplateRow } from "../../lib/ipc/bindings/TemplateRow";
import { isDecided, reviewDelay, type ReviewSchedule, useReviewWatch } from "./useReviewWatch";

const row = (status: string, language = "en_US"): TemplateRow => ({
  number_id: 7, name: "order_update", language, template_id: "1", category: "UTILITY", status, quality: null,
  rejected_reason: status === "REJECTED" ? "INVALID_FORMAT" : null, rejected_explanation: null, parameter_format: null, components: [], synced_at: "x",
});

const schedule: ReviewSchedule = { firstMs: 1_000, factor: 2, maxMs: 4_000, forMs: 20_000 };

describe("reviewDelay and isDecided", () => {
  it("backs off from the first wait up to the longest", () => {
    expect([0, 1, 2, 3, 4].map((n) => reviewDelay(n, schedule))).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);
    expect(reviewDelay(0)).toBe(2_000);
    expect(reviewDelay(20)).toBe(30_000);
  });
  it("pending and in appeal wait; every other status is a decision", () => {
    expect(isDecided("PENDING")).toBe(false);
    expect(isDecided("in_appeal")).toBe(false);
    for (const s of ["APPROVED", "rejected", "PAUSED", "DISABLED"]) expect(isDecided(s)).toBe(true);
  });
});

describe("useReviewWatch", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  function setup(statuses: string[]) {
    const sync = vi.fn(async () => undefined);
    const statusOf = vi.fn(async () => row(statuses.shift() ?? "PENDING"));
    const onDecided = vi.fn();
    const onGaveUp = vi.fn();
    const hook = renderHook(() => useReviewWatch({ numberId: 7, sync, statusOf, onDecided, onGaveUp, schedule }));
    return { sync, statusOf, onDecided, onGaveUp, hook };
  }

  it("asks again with backoff until decided, reports the decision once and stops", async () => {
    const { sync, onDecided, onGaveUp, hook } = setup(["PENDING", "PENDING", "APPROVED"]);
    expect(sync).not.toHaveBeenCalled();
    act(() => hook.result.current.watch({ name: "order_update", language: "en_US" }));
    await act(() => vi.advanceTimersByTimeAsync(999));
    expect(sync).toHaveBeenCalledTimes(0);
    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(sync).toHaveBeenCalledTimes(1);
    // The next waits are 2 s and then 4 s.
    await act(() => vi.advanceTimersByTimeAsync(1_999));
    expect(sync).toHaveBeenCalledTimes(1);
    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(sync).toHaveBeenCalledTimes(2);
    expect(onDecided).not.toHaveBeenCalled();
    await act(() => vi.advanceTimersByTimeAsync(4_000));
    expect(sync).toHaveBeenCalledTimes(3);
    expect(onDecided).toHaveBeenCalledTimes(1);
    expect(onDecided.mock.calls[0][0].status).toBe("APPROVED");
    expect(hook.result.current.watching).toEqual([]);
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(sync).toHaveBeenCalledTimes(3);
    expect(onGaveUp).not.toHaveBeenCalled();
  });

  it("a rejection is a decision too", async () => {
    const { onDecided, hook } = setup(["REJECTED"]);
    act(() => hook.result.current.watch({ name: "order_update", language: "en_US" }));
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(onDecided.mock.calls[0][0].rejected_reason).toBe("INVALID_FORMAT");
  });

  it("gives up after the bounded time and says what is still pending", async () => {
    const { sync, onDecided, onGaveUp, hook } = setup([]);
    act(() => hook.result.current.watch({ name: "order_update", language: "en_US" }));
    await act(() => vi.advanceTimersByTimeAsync(25_000));
    // Asked at 1, 3, 7, 11, 15 and 19 s; the next 4 s wait would end after the 20 s.
    expect(sync).toHaveBeenCalledTimes(6);
    expect(onDecided).not.toHaveBeenCalled();
    expect(onGaveUp).toHaveBeenCalledWith([{ name: "order_update", language: "en_US" }]);
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(sync).toHaveBeenCalledTimes(6);
  });

  it("keeps asking when a sync fails", async () => {
    const { sync, onDecided, hook } = setup(["APPROVED"]);
    sync.mockRejectedValueOnce(new Error("offline"));
    act(() => hook.result.current.watch({ name: "order_update", language: "en_US" }));
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(onDecided).toHaveBeenCalledTimes(1);
  });

  it("stops when unmounted", async () => {
    const { sync, hook } = setup([]);
    act(() => hook.result.current.watch({ name: "order_update", language: "en_US" }));
    hook.unmount();
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(sync).not.toHaveBeenCalled();
  });
});
