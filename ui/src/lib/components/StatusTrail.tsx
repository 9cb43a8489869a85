import type { MessageDetail } from "../ipc/bindings/MessageDetail";
import { isFinalStatus } from "../vocabulary";

/** A sent message's status and its timeline, as the inbox recorded them. */
export function StatusTrail({ detail }: { detail: MessageDetail | null }) {
  if (!detail) return <p className="hint">Waiting for the first status…</p>;
  return (
    <div>
      <p>
        Status:{" "}
        <span className={`badge badge--status-${detail.message.status}`} id="send-status" data-status={detail.message.status}>
          {detail.message.status}
        </span>
      </p>
      {detail.events.length > 0 && (
        <ol className="timeline">
          {detail.events.map((e) => (
            <li key={e.status}>
              {e.status} · {e.at ?? "time unknown"}
              {e.error_code !== null && ` · error ${e.error_code}`}
            </li>
          ))}
        </ol>
      )}
      {detail.error_details && <p className="field-error">{detail.error_details}</p>}
      {!isFinalStatus(detail.message.status) && (
        <p className="hint">Statuses arrive through the inbox; keep it running and the webhook pointed at it.</p>
      )}
    </div>
  );
}
