import { type FormEvent, useEffect, useState } from "react";
import { When } from "../../lib/components/Badges";
import { EmptyState } from "../../lib/components/EmptyState";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { NumberPicker } from "../../lib/components/NumberPicker";
import { Page } from "../../lib/components/Page";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { Contact } from "../../lib/ipc/bindings/Contact";
import type { WindowState } from "../../lib/ipc/bindings/WindowState";
import { conversation, parseContact, sendText } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useNumbers } from "../../lib/numbers";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { StatusTrail } from "../../lib/components/StatusTrail";
import { useStatus } from "../../lib/hooks/useStatus";
import { LIMITS } from "../../lib/vocabulary";
import { retryText } from "../../lib/retrying";
import { MediaLibrary } from "./MediaLibrary";

type Recipient = { contact: Contact | null; problem: string | null; window: WindowState | null };
const NO_RECIPIENT: Recipient = { contact: null, problem: null, window: null };

/**
 * The recipient as the core reads it (the same parser the send uses) and the 24-hour window with
 * them, as far as the inbox knows (debounced on typing).
 */
function useRecipient(numberId: number | null, input: string): Recipient {
  const [r, setR] = useState<Recipient>(NO_RECIPIENT);
  useEffect(() => {
    if (!input.trim()) {
      setR(NO_RECIPIENT);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      parseContact(input).then(
        (contact) => {
          if (!live) return;
          setR({ contact, problem: null, window: null });
          if (numberId === null) return;
          conversation(numberId, contact.wa_id).then(
            (c) => live && setR({ contact, problem: null, window: c.window }),
            () => live && setR({ contact, problem: null, window: null }),
          );
        },
        (e) => live && setR({ contact: null, problem: toIpcError(e).message, window: null }),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [numberId, input]);
  return r;
}

export function SendPage() {
  const { numbers } = useNumbers();
  const withKey = numbers?.filter((n) => n.key_state !== "none") ?? [];
  const [numberId, setNumberId] = useChosenNumber({ canShowAll: false });
  const [to, setTo] = useState("");
  const [body, setBody] = useState("");
  const [sending, setSending] = useState(false);
  const [retrying, setRetrying] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [wamid, setWamid] = useState<string | null>(null);
  const recipient = useRecipient(numberId, to);
  const win = recipient.window;
  const detail = useStatus(wamid);


  async function send(e: FormEvent) {
    e.preventDefault();
    if (numberId === null) return;
    setSending(true);
    setRetrying(null);
    setError(null);
    setWamid(null);
    try {
      const r = await sendText(numberId, to, body, (p) => setRetrying(retryText(p)));
      setWamid(r.messages[0]?.id ?? null);
      setBody("");
    } catch (err) {
      setError(toIpcError(err));
    } finally {
      setSending(false);
      setRetrying(null);
    }
  }

  return (
    <Page id="send" title="Send" lead="Send a free-text message to a contact inside the 24-hour window; keep the media for test sends.">
      {numbers !== null && withKey.length === 0 ? (
        <EmptyState title="Nothing to send from yet" icon="➤">
          <p>Sending needs a number with a verified API key.</p>
          <p className="hint">Every message sent from here is recorded in History with its delivery status.</p>
        </EmptyState>
      ) : (
        <form className="card form" onSubmit={send} aria-label="Send a text message">
          <NumberPicker id="send-number" numbers={numbers ?? []} value={numberId} onChange={setNumberId} />
          <label className="field">
            <span>Recipient (international format)</span>
            <input id="text-to" value={to} onChange={(e) => setTo(e.target.value)} placeholder="4915123456789" inputMode="tel" autoComplete="off" />
          </label>
          {recipient.contact && (
            <p className="hint" id="text-contact">
              Sends to <span className="mono">{recipient.contact.e164}</span>
            </p>
          )}
          {recipient.problem && (
            <p className="field-error" id="text-contact-error">
              {recipient.problem}
            </p>
          )}
          {win && (
            <p className={win.open ? "notice" : "warning-banner"} id="text-window" role="status">
              {win.open ? (
                <>
                  The 24-hour window is open until <When at={win.open_until} /> ({win.open_until}).
                </>
              ) : win.last_inbound_at ? (
                <>
                  The window closed: the contact last wrote <When at={win.last_inbound_at} />. Send an approved template
                  instead (Templates → Test-send).
                </>
              ) : (
                <>The inbox has no message from this contact, so the window is probably closed (error 131047). Send a template instead.</>
              )}
            </p>
          )}
          <label className="field field--wide">
            <span>Message</span>
            <textarea id="text-body" rows={4} maxLength={LIMITS.text_body_max} value={body} onChange={(e) => setBody(e.target.value)} />
          </label>
          <div className="form__actions">
            <button type="submit" className="primary" id="text-send" disabled={sending || numberId === null || !to.trim() || !body.trim()}>
              {sending ? (retrying ? "Sending… " + retrying : "Sending…") : "Send"}
            </button>
            {retrying && (
              <span className="hint" role="status" id="text-retrying">
                {retrying}
              </span>
            )}
          </div>
          {error && <ErrorBanner error={error} />}
          {wamid && (
            <div aria-live="polite">
              <p className="notice" role="status">
                Accepted: <span className="mono">{wamid}</span>
              </p>
              <StatusTrail detail={detail} />
            </div>
          )}
        </form>
      )}
      {withKey.length > 0 && numberId !== null && <MediaLibrary numberId={numberId} />}
    </Page>
  );
}
