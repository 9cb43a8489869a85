import { useEffect, useState } from "react";
import { MessageMarks } from "./MessageMarks";
import { When } from "../../lib/components/Badges";
import { Drawer } from "../../lib/components/Drawer";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { Conversation } from "../../lib/ipc/bindings/Conversation";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import { conversation } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { BlockResult, useBlockAction } from "../../lib/block";
import { listBlocked } from "../../lib/ipc/commands";

/** Messages with one contact as chat bubbles, and whether the 24-hour window is open. */
export function ConversationView(props: {
  numberId: number | null;
  contact: string;
  onClose: () => void;
  returnFocus?: () => HTMLElement | null | undefined;
}) {
  const [conv, setConv] = useState<Conversation | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  useEffect(() => {
    conversation(props.numberId, props.contact).then(setConv, (e) => setError(toIpcError(e)));
  }, [props.numberId, props.contact]);
  // The number the conversation is with (the chosen one, or the messages' when all are shown).
  const numberId = props.numberId ?? conv?.messages.find((m) => m.number_id !== null)?.number_id ?? null;
  const block = useBlockAction(numberId);
  const [blocked, setBlocked] = useState<boolean | null>(null);
  const waId = conv?.contact ?? props.contact.replace(/\D/g, "");
  useEffect(() => {
    if (numberId === null) return;
    let live = true;
    listBlocked(numberId).then(
      (list) => live && setBlocked(list.some((u) => u.wa_id === waId)),
      () => live && setBlocked(null),
    );
    return () => {
      live = false;
    };
  }, [numberId, waId, block.outcome]);

  return (
    <Drawer id="conversation-drawer" labelledBy="conversation-title" onClose={props.onClose} returnFocus={props.returnFocus}>
      <header className="drawer__header">
        <div>
          <h2 id="conversation-title">Conversation</h2>
          <p className="mono">{props.contact}</p>
        </div>
        <button type="button" className="icon-button" onClick={props.onClose} aria-label="Close conversation">
          ✕
        </button>
      </header>
      {error && <ErrorBanner error={error} />}
      {numberId !== null && blocked !== null && (
        <div className="actions" id="conversation-block">
          {blocked ? (
            <button type="button" id="conversation-unblock" disabled={block.busy} onClick={() => void block.run("unblock", [waId])}>
              Unblock this contact
            </button>
          ) : (
            <button type="button" id="conversation-block-button" disabled={block.busy} onClick={() => void block.run("block", [waId])}>
              Block this contact
            </button>
          )}
        </div>
      )}
      {block.error && <ErrorBanner error={block.error} />}
      {block.outcome && <BlockResult outcome={block.outcome} />}
      {conv && (
        <>
          <p id="conversation-window" className={conv.window.open ? "notice" : "warning-banner"} data-open={conv.window.open}>
            {conv.window.open ? (
              <>
                24-hour window open until <When at={conv.window.open_until} />: free-form messages can be sent.
              </>
            ) : conv.window.last_inbound_at ? (
              <>
                Window closed (the contact last wrote <When at={conv.window.last_inbound_at} />): only approved templates.
              </>
            ) : (
              <>No incoming message captured from this contact: only approved templates can be sent.</>
            )}
          </p>
          <ol className="chat" aria-label="Messages">
            {conv.messages.map((m) => (
              <li key={m.id} className={`bubble bubble--${m.direction}`} data-direction={m.direction}>
                {m.template_name && (
                  <span className="badge badge--key-none">
                    {m.template_name}
                    {m.template_language && ` · ${m.template_language}`}
                  </span>
                )}
                <p>{m.body ?? `[${m.type}]`}</p>
                <MessageMarks message={m} />
                <span className="bubble__meta">
                  <When at={m.created_at} /> {m.direction === "out" && `· ${m.status}`}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </Drawer>
  );
}
