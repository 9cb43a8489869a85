import { When } from "../../lib/components/Badges";
import { MessageMarks } from "./MessageMarks";
import { VirtualRows } from "../../lib/components/VirtualRows";
import type { MessageView } from "../../lib/ipc/bindings/MessageView";
import { StatusChip } from "./status";

/** The messages as a windowed table; a row's time opens it (so does Enter on the active row). */
export function HistoryTable(props: {
  rows: MessageView[];
  more: boolean;
  numberLabel: (id: number | null) => string;
  onOpen: (m: MessageView) => void;
  onNearEnd: () => void;
}) {
  const { rows } = props;
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
      <p className="hint">
        {rows.length.toLocaleString()} shown{props.more ? ", more load as you scroll" : ""}. ↑ ↓ Page Up/Down move,
        Enter opens.
      </p>
    </>
  );
}
