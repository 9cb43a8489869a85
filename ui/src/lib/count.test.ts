import { describe, expect, it } from "vitest";
import { formatCount } from "./count";

describe("formatCount", () => {
  it("writes a count as toLocaleString does, with the same formatter each time", () => {
    for (const n of [0, 7, 1000, 1234567]) expect(formatCount(n)).toBe(n.toLocaleString());
  });
});
