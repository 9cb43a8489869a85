import { When } from "../../lib/components/Badges";
import { Drawer } from "../../lib/components/Drawer";
import type { MessageDetail } from "../../lib/ipc/bindings/MessageDetail";
import { MessageMarks } from "./MessageMarks";

/** One message: its facts, the status timeline, the raw JSON, and what can be done with it. */
export function MessageDrawer(props: {
  detail: MessageDetail;
  resent: string | null;
  onClose: () => void;
  onConversation: () => void;
  onResend: () => void;
  returnFocus: () => HTMLElement | null | undefined;
}) {
  const open = props.detail;
  return (
    <Drawer id="message-drawer" labelledBy="message-title" onClose={props.onClose} returnFocus={props.returnFocus}>
      <header className="drawer__header">
        <h2 id="message-title">{open.message.direction === "in" ? "Received" : "Sent"} message</h2>
        <button type="button" className="icon-button" onClick={props.onClose} aria-label="Close message">
          ✕
        </button>
      </header>
      <dl className="facts">
        <dt>Status</dt>
        <dd id="message-status">{open.message.status}</dd>
        <dt>Contact</dt>
        <dd className="mono">{open.message.contact}</dd>
        <dt>wamid</dt>
        <dd className="mono">{open.message.wamid}</dd>
        {open.message.body && (
          <>
            <dt>Message</dt>
            <dd id="message-body">
              {open.message.body} <MessageMarks message={open.message} />
            </dd>
          </>
        )}
        {open.message.error_code !== null && (
          <>
            <dt>Error</dt>
            <dd>
              {open.message.error_code} {open.message.error_title} {open.error_details}
            </dd>
          </>
        )}
      </dl>
      <div className="form__actions">
        <button type="button" id="open-conversation" onClick={props.onConversation}>
          Conversation with this contact
        </button>
        {open.message.direction === "out" && open.request_json && (
          <button type="button" id="resend" onClick={props.onResend}>
            Resend as test
          </button>
        )}
      </div>
      {props.resent && (
        <p className="notice" role="status">
          Sent again: <span className="mono">{props.resent}</span>
        </p>
      )}
      <h3>Timeline</h3>
      <ol className="timeline" id="message-timeline">
        {open.events.map((e, i) => (
          <li key={i} data-status={e.status}>
            <strong>{e.status}</strong> {e.at && <When at={e.at} />}
            {e.error_code !== null && <span className="hint"> error {e.error_code}</span>}
            {e.participant && <span className="hint"> · participant <span className="mono">{e.participant}</span></span>}
            {e.pricing_category && (
              <span className="hint" data-field="pricing">
                {" "}
                · {e.pricing_category}
                {e.billable === false ? " (not billable)" : e.billable ? " (billable)" : ""}
              </span>
            )}
            {e.conversation_id && (
              <span className="hint" data-field="conversation">
                {" "}
                · conversation <span className="mono">{e.conversation_id}</span>
                {e.conversation_origin && ` (${e.conversation_origin})`}
              </span>
            )}
            {e.biz_opaque_callback_data && (
              <span className="hint" data-field="callback">
                {" "}
                · callback data <span className="mono">{e.biz_opaque_callback_data}</span>
              </span>
            )}
          </li>
        ))}
        {open.events.length === 0 && <li className="hint">No status events captured.</li>}
      </ol>
      {[["Request", open.request_json], ["Answer", open.response_json], ["Webhook event", open.event_json]].map(
        ([title, json]) =>
          json && (
            <details key={title}>
              <summary>{title} (JSON)</summary>
              <pre className="raw-json" tabIndex={0}>{JSON.stringify(JSON.parse(json), null, 2)}</pre>
            </details>
          ),
      )}
    </Drawer>
  );
}
