import type { Retrying } from "./ipc/bindings/Retrying";

/** A retry after a capacity limit, as the send button shows it:
 * "retrying (2 of 3) — 360dialog asked to wait 2 s". Mirrors `Retrying`'s Display in the core. */
export function retryText(r: Retrying): string {
  const head = `retrying (${r.retry} of ${r.of})`;
  const secs = Math.ceil(r.wait_ms / 1000);
  if (r.retry_after_secs !== null) return `${head} — 360dialog asked to wait ${r.retry_after_secs} s`;
  if (r.http_status === 503) return `${head} — 360dialog is busy (too many requests at once); waiting ${secs} s`;
  return `${head} — 360dialog asked to slow down; waiting ${secs} s`;
}
