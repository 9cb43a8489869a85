import type { HealthStatus } from "../ipc/bindings/HealthStatus";
import type { KeyState } from "../ipc/bindings/KeyState";
import { KEY_STATE_LABEL } from "../numbers";

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

/** "3 min ago"-style time with the exact time as a tooltip. */
export function When({ at }: { at: string | null }) {
  if (!at) return <span className="muted">never</span>;
  const secs = Math.max(0, (Date.now() - Date.parse(at)) / 1000);
  const text =
    secs < 60
      ? "just now"
      : secs < 3600
        ? `${Math.floor(secs / 60)} min ago`
        : secs < 86400
          ? `${Math.floor(secs / 3600)} h ago`
          : new Date(at).toLocaleDateString();
  return <time dateTime={at} title={at}>{text}</time>;
}
