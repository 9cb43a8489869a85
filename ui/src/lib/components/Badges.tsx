import type { HealthStatus } from "../ipc/bindings/HealthStatus";
import type { KeyState } from "../ipc/bindings/KeyState";
import { KEY_STATE_LABEL } from "../numbers";
import { relativeTime } from "../time";

export function KeyStateBadge({ state }: { state: KeyState }) {
  return (
    <span className={`badge badge--key-${state}`} data-key-state={state}>
      {KEY_STATE_LABEL[state]}
    </span>
  );
}

export function HealthBadge({ health }: { health: HealthStatus | null }) {
  if (!health) return <span className="muted">unknown</span>;
  const v = health.can_send_message.toUpperCase();
  const cls = v === "AVAILABLE" ? "ok" : v === "LIMITED" ? "warn" : "bad";
  return (
    <span className={`badge badge--${cls}`} data-health={v}>
      {v.toLowerCase()}
    </span>
  );
}

/** "3 min ago" / "in 23 h"-style time with the exact time as a tooltip. */
export function When({ at }: { at: string | null }) {
  if (!at) return <span className="muted">never</span>;
  return (
    <time dateTime={at} title={at}>
      {relativeTime(at)}
    </time>
  );
}
