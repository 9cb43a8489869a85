import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Change, CHANGED_EVENT, onChange } from "./events";

afterEach(() => clearMocks());

describe("change events", () => {
  it("delivers the changes of the subscribed topics only, until unsubscribed", async () => {
    mockIPC(() => undefined, { shouldMockEvents: true });
    const seen: Change[] = [];
    const off = onChange(["messages", "qa"], (c) => seen.push(c));
    await vi.waitFor(async () => {
      await emit(CHANGED_EVENT, { topic: "messages", numberId: 3 });
      expect(seen.length).toBeGreaterThan(0);
    });
    seen.length = 0;
    await emit(CHANGED_EVENT, { topic: "inbox", numberId: null });
    await emit(CHANGED_EVENT, { topic: "qa", numberId: null });
    expect(seen).toEqual([{ topic: "qa", numberId: null }]);
    off();
    await emit(CHANGED_EVENT, { topic: "qa", numberId: 1 });
    expect(seen).toHaveLength(1);
  });

  it("survives a backend without an event bridge", async () => {
    mockIPC(() => {
      throw new Error("no events here");
    });
    const off = onChange(["inbox"], () => {});
    await new Promise((r) => setTimeout(r, 0));
    expect(() => off()).not.toThrow();
  });
});
