import { formatCount } from "../../lib/count";
import { When } from "../../lib/components/Badges";
import { MessageMarks } from "./MessageMarks";
import { VirtualRows } from "../../lib/components/VirtualRows";
import type { MessageView } from "../../lib/ipc/bindings/MessageView";
import { StatusChip } from "./status";

/**
 * The messages as a windowed table; a row's time opens it (so does Enter on the active row).
 * `rows` is the window of the list held (newest first); older and newer rows load as the user
 * scrolls to either end of it, and the view keeps its place. Home/End go to the newest/oldest.
 */
export function HistoryTable(props: {
  rows: MessageView[];
  /** Messages matching the filter, in all. */
  total: number;
  atNewest: boolean;
  atOldest: boolean;
  numberLabel: (id: number | null) => string;
  onOpen: (m: MessageView) => void;
  onNearEnd: () => void;
  onNearStart: () => void;
  onNewest: () => void;
  onOldest: () => void;
  jump: { to: "start" | "end"; token: number };
  onView: (m: MessageView | undefined) => void;
}) {
  const { rows } = props;
  const whole = props.atNewest && props.atOldest;
  return (
    <>
      <div className="vtable-scroll">
        <VirtualRows
          id="history-table"
          label="Messages"
          rows={rows}
          rowHeight={40}
          height={Math.max(240, Math.min(rows.length * 40, 560))}
          onNearEnd={props.onNearEnd}
          onNearStart={props.onNearStart}
          onHome={props.onNewest}
          onEnd={props.onOldest}
          rowKey={(m) => m.id}
          stickToTop={props.atNewest}
          jump={props.jump}
          onView={props.onView}
          onOpen={props.onOpen}
          rowProps={(m) => ({ "data-wamid": m.wamid ?? m.attempt_ref ?? "", "data-status": m.status })}
          header={
            <div role="row" className="history-grid vtable__row">
              <span role="columnheader">When</span>
              <span role="columnheader">Number</span>
              <span role="columnheader">
                <span className="visually-hidden">Direction</span>
              </span>
              <span role="columnheader">Contact</span>
              <span role="columnheader">Message</span>
              <span role="columnheader">Status</span>
            </div>
          }
          render={(m) => (
            <div className="history-grid">
              <span role="cell">
                <button type="button" className="link" onClick={() => props.onOpen(m)}>
                  <When at={m.created_at} />
                </button>
              </span>
              <span role="cell" className="ellipsis">{props.numberLabel(m.number_id)}</span>
              <span role="cell" title={m.direction === "in" ? "received" : "sent"}>
                {m.direction === "in" ? "↙" : "↗"}
              </span>
              <span role="cell" className="ellipsis">
                {m.contact_name && <span>{m.contact_name} </span>}
                <span className="mono">{m.contact}</span>
              </span>
              <span role="cell" className="ellipsis">
                {m.template_name ? (
                  <span className="badge badge--key-none">
                    {m.template_name}
                    {m.template_language && ` · ${m.template_language}`}
                  </span>
                ) : null}{" "}
                {m.body}{" "}
                <MessageMarks message={m} />
              </span>
              <span role="cell" className="ellipsis">
                <StatusChip status={m.status} />
                {m.error_code !== null && <span className="hint"> {m.error_code}</span>}
              </span>
            </div>
          )}
        />
      </div>
      <p className="hint" id="history-position">
        {whole
          ? `${formatCount(rows.length)} shown.`
          : `${formatCount(Math.max(props.total, rows.length))} messages; ${
              props.atNewest ? "older" : props.atOldest ? "newer" : "newer and older"
            } ones load as you scroll.`}{" "}
        ↑ ↓ Page Up/Down move, Home/End go to the newest/oldest, Enter opens.{" "}
        {!whole && (
          <>
            <button type="button" className="link" id="history-newest" disabled={props.atNewest} onClick={props.onNewest}>
              Newest
            </button>{" "}
            <button type="button" className="link" id="history-oldest" disabled={props.atOldest} onClick={props.onOldest}>
              Oldest
            </button>
          </>
        )}
      </p>
    </>
  );
}
