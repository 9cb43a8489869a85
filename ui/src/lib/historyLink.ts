// A History filter in the address (`#/history?status=failed&since=…`): other pages link to
// History with a filter (Insights' charts), and History opens with it.
import type { HistoryFilter } from "./ipc/bindings/HistoryFilter";
import { parseDirection, parseStatus } from "./vocabulary";

/** The filters a link can carry. `number_id: null` is "All numbers". */
export type HistoryLink = Pick<
  HistoryFilter,
  "number_id" | "direction" | "status" | "template" | "language" | "error_code" | "since" | "until"
>;

const TEXT = ["template", "language", "since", "until"] as const;

/** The address of History with this filter. */
export function historyHref(link: Partial<HistoryLink>): string {
  const q = new URLSearchParams();
  q.set("number", link.number_id == null ? "all" : String(link.number_id));
  if (link.direction) q.set("direction", link.direction);
  if (link.status) q.set("status", link.status);
  if (link.error_code != null) q.set("error_code", String(link.error_code));
  for (const k of TEXT) {
    const v = link[k];
    if (v) q.set(k, v);
  }
  return `#/history?${q.toString()}`;
}

/** The filter in an address (`undefined` when it carries none); unknown values are dropped. */
export function linkFromHash(hash: string): Partial<HistoryLink> | undefined {
  const i = hash.indexOf("?");
  if (i < 0) return undefined;
  const q = new URLSearchParams(hash.slice(i + 1));
  const out: Partial<HistoryLink> = {};
  const number = q.get("number");
  if (number === "all") out.number_id = null;
  else if (number && Number.isInteger(Number(number))) out.number_id = Number(number);
  const direction = parseDirection(q.get("direction") ?? "");
  if (direction) out.direction = direction;
  const status = parseStatus(q.get("status") ?? "");
  if (status) out.status = status;
  const code = q.get("error_code");
  if (code && Number.isInteger(Number(code))) out.error_code = Number(code);
  for (const k of TEXT) {
    const v = q.get(k);
    if (v) out[k] = v;
  }
  return out;
}
