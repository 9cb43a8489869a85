/** Message statuses as History filters and colours them (the core's list). */
export { STATUSES } from "../../lib/vocabulary";

export const STATUS_CLASS: Record<string, string> = {
  read: "ok", delivered: "ok", played: "ok", failed: "bad", not_sent: "bad", sent: "warn", outcome_unknown: "warn", sending: "warn",
};

export function StatusChip({ status }: { status: string }) {
  return <span className={`badge badge--${STATUS_CLASS[status] ?? "key-none"}`}>{status.replace(/_/g, " ")}</span>;
}
