import { describe, expect, it } from "vitest";
import { errorTitle, isIpcError, toIpcError } from "./errors";

describe("IPC errors", () => {
  it("recognises the {code, message} shape with a known code only", () => {
    expect(isIpcError({ code: "unauthorized", message: "key rejected" })).toBe(true);
    expect(isIpcError({ code: "teapot", message: "x" })).toBe(false);
    expect(isIpcError("plain string")).toBe(false);
    expect(isIpcError(null)).toBe(false);
  });

  it("turns anything thrown into an internal error payload", () => {
    expect(toIpcError(new Error("boom"))).toEqual({ code: "internal", message: "boom" });
    expect(toIpcError("text")).toEqual({ code: "internal", message: "text" });
    const known = { code: "network", message: "offline" } as const;
    expect(toIpcError(known)).toBe(known);
  });

  it("has a title for every code", () => {
    expect(errorTitle("keychain_unavailable")).toBe("OS keyring unavailable");
    expect(errorTitle("rate_limited")).toBe("Rate limited");
  });
});
