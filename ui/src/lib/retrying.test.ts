import { describe, expect, it } from "vitest";
import { retryText } from "./retrying";

describe("retryText", () => {
  it("names the retry, the retries allowed and what 360dialog asked for", () => {
    expect(retryText({ retry: 2, of: 3, wait_ms: 2000, retry_after_secs: 2, http_status: 429 })).toBe(
      "retrying (2 of 3) — 360dialog asked to wait 2 s",
    );
    expect(retryText({ retry: 1, of: 3, wait_ms: 500, retry_after_secs: null, http_status: 429 })).toBe(
      "retrying (1 of 3) — 360dialog asked to slow down; waiting 1 s",
    );
    expect(retryText({ retry: 1, of: 3, wait_ms: 1000, retry_after_secs: null, http_status: 503 })).toBe(
      "retrying (1 of 3) — 360dialog is busy (too many requests at once); waiting 1 s",
    );
  });
});
