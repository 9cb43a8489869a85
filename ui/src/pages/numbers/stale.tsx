import type { NumberView } from "../../lib/ipc/bindings/NumberView";
import type { VerifyOutcome } from "../../lib/ipc/bindings/VerifyOutcome";

/** A superseded key's health and "last verified" describe a key 360dialog no longer accepts. */
export function isStale(n: NumberView): boolean {
  return n.key_state === "superseded";
}

/** Marks a fact as stale (shown next to it, and named for screen readers). */
export function StaleMark({ stale, what }: { stale: boolean; what: string }) {
  if (!stale) return null;
  return (
    <span className="badge badge--warn" data-stale="" title={`${what} of the superseded key: no longer current`}>
      stale
    </span>
  );
}

/** "2 verified, 1 superseded, 0 unreachable" (and how many failed otherwise, when any did). */
export function verifySummary(outcomes: VerifyOutcome[]): string {
  const count = (r: VerifyOutcome["result"]) => outcomes.filter((o) => o.result === r).length;
  const failed = count("failed");
  return (
    `${count("verified")} verified, ${count("superseded")} superseded, ${count("unreachable")} unreachable` +
    (failed > 0 ? `, ${failed} failed` : "")
  );
}
