import { describe, expect, it } from "vitest";
import { relativeTime } from "./time";

const NOW = Date.parse("2026-11-25T12:00:00.000Z");
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe("relativeTime", () => {
  it.each([
    ["just now", -20_000, "just now"],
    ["minutes ago", -5 * 60_000, "5 min ago"],
    ["hours ago", -3 * 3600_000 - 60_000, "3 h ago"],
    ["a moment ahead", 20_000, "in a moment"],
    ["minutes ahead", 5 * 60_000 + 1000, "in 5 min"],
    ["a 24-hour window with a minute used", 24 * 3600_000 - 60_000, "in 23 h"],
  ])("%s", (_name, offset, text) => {
    expect(relativeTime(at(offset), NOW)).toBe(text);
  });

  it("gives the date beyond a day, either way", () => {
    expect(relativeTime(at(3 * 86400_000), NOW)).toBe(new Date(NOW + 3 * 86400_000).toLocaleDateString());
    expect(relativeTime(at(-3 * 86400_000), NOW)).toBe(new Date(NOW - 3 * 86400_000).toLocaleDateString());
  });
});
