import { useState } from "react";
import { When } from "../../lib/components/Badges";
import { Drawer } from "../../lib/components/Drawer";
import type { MessageDetail } from "../../lib/ipc/bindings/MessageDetail";
import { MessageMarks } from "./MessageMarks";

/** Sends of WABA Desk whose outcome is not known yet: sending again could send twice. */
export function outcomeUnknown(status: string): boolean {
  return status === "outcome_unknown" || status === "sending";
}

/** One message: its facts, the status timeline, the raw JSON, and what can be done with it. */
export function MessageDrawer(props: {
  detail: MessageDetail;
  resent: string | null;
  /** The number the message was sent from, as the user knows it ("Sales US (production)"). */
  numberName: string;
  /** A retry in progress while resending ("retrying (1 of 3) — …"). */
  retrying?: string | null;
  resending?: boolean;
  onClose: () => void;
  onConversation: () => void;
  onResend: () => void;
  onCheckStatus: () => void;
  returnFocus: () => HTMLElement | null | undefined;
}) {
  const open = props.detail;
  const m = open.message;
  const [confirming, setConfirming] = useState(false);
  const [checked, setChecked] = useState(false);
  const unknown = outcomeUnknown(m.status);
  const recipient = m.contact ? `+${m.contact.replace(/^\+/, "")}` : "the contact";
  return (
    <Drawer id="message-drawer" labelledBy="message-title" onClose={props.onClose} returnFocus={props.returnFocus}>
      <header className="drawer__header">
        <h2 id="message-title">{m.direction === "in" ? "Received" : "Sent"} message</h2>
        <button type="button" className="icon-button" onClick={props.onClose} aria-label="Close message">
          ✕
        </button>
      </header>
      {unknown && (
        <p className="warning-banner" id="message-unknown">
          {m.status === "sending"
            ? "No answer to this send is recorded yet: it is on its way, or the app stopped while sending it."
            : "The answer to this send was lost, so it may or may not have gone out. If it did, its statuses (sent, delivered, read) appear here as 360dialog reports them."}{" "}
          Check its status before sending it again.
        </p>
      )}
      <dl className="facts">
        <dt>Status</dt>
        <dd id="message-status">{m.status.replace(/_/g, " ")}</dd>
        <dt>Contact</dt>
        <dd className="mono">{m.contact}</dd>
        {m.direction === "out" && (
          <>
            <dt>From</dt>
            <dd>{props.numberName}</dd>
          </>
        )}
        {m.sent_by && (
          <>
            <dt>Sent by</dt>
            <dd id="message-sent-by">{m.sent_by} (a colleague, through the team relay)</dd>
          </>
        )}
        {m.template_name && (
          <>
            <dt>Template</dt>
            <dd className="mono">
              {m.template_name}
              {m.template_language && ` (${m.template_language})`}
            </dd>
          </>
        )}
        {m.body && (
          <>
            <dt>Text</dt>
            <dd id="message-body">
              {m.body}
              {(m.deleted_at || m.edited_at || m.reaction) && " "}
              <MessageMarks message={m} />
            </dd>
          </>
        )}
        <dt>wamid</dt>
        <dd className="mono">{m.wamid ?? "not known yet"}</dd>
        {(m.error_code !== null || (m.status === "not_sent" && m.error_title)) && (
          <>
            <dt>Error</dt>
            <dd>
              {m.error_code} {m.error_title}
              {m.error_explanation && <p id="message-error-explanation">{m.error_explanation}</p>}
              {open.error_details && (
                <details>
                  <summary>Details</summary>
                  <pre className="raw-json">{open.error_details}</pre>
                </details>
              )}
            </dd>
          </>
        )}
      </dl>
      <div className="form__actions">
        <button type="button" id="open-conversation" onClick={props.onConversation}>
          Conversation with this contact
        </button>
        {m.direction === "out" && unknown && (
          <button
            type="button"
            id="check-status"
            onClick={() => {
              setChecked(true);
              props.onCheckStatus();
            }}
          >
            Check status
          </button>
        )}
        {m.direction === "out" && !unknown && open.request_json && !confirming && (
          <button type="button" id="resend" onClick={() => setConfirming(true)} disabled={props.resending}>
            {props.resending ? (props.retrying ? `Sending… ${props.retrying}` : "Sending…") : "Resend as test"}
          </button>
        )}
      </div>
      {checked && unknown && (
        <p className="hint" role="status" id="check-status-result">
          No status has arrived for this send yet. If it went out, 360dialog reports it within moments; if nothing
          arrives, it most likely did not go out.
        </p>
      )}
      {confirming && (
        <div className="confirm" role="alertdialog" aria-labelledby="resend-question" id="resend-confirm">
          <p id="resend-question">
            Send this message again to <strong className="mono">{recipient}</strong> from <strong>{props.numberName}</strong>?
            It reaches the contact for real, like the first one.
          </p>
          <div className="form__actions">
            <button
              type="button"
              className="primary"
              id="resend-confirmed"
              onClick={() => {
                setConfirming(false);
                props.onResend();
              }}
            >
              Send again to {recipient}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {props.resending && props.retrying && (
        <p className="hint" role="status" id="resend-retrying">
          {props.retrying}
        </p>
      )}
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
      {[["Request", open.request_json], ["Values sent", open.parameters_json], ["Answer", open.response_json], ["Webhook event", open.event_json]].map(
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
