import { type FormEvent, useEffect, useState } from "react";
import { When } from "../../lib/components/Badges";
import { EmptyState } from "../../lib/components/EmptyState";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { NumberPicker } from "../../lib/components/NumberPicker";
import { Page } from "../../lib/components/Page";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { Contact } from "../../lib/ipc/bindings/Contact";
import type { WindowState } from "../../lib/ipc/bindings/WindowState";
import { conversation, parseContact, sendMedia, sendText } from "../../lib/ipc/commands";
import { MediaField } from "../../lib/components/MediaField";
import type { MediaKind } from "../../lib/ipc/bindings/MediaKind";
import { toIpcError } from "../../lib/ipc/errors";
import { useNumbers } from "../../lib/numbers";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { StatusTrail } from "../../lib/components/StatusTrail";
import { useStatus } from "../../lib/hooks/useStatus";
import { LIMITS } from "../../lib/vocabulary";
import { retryText } from "../../lib/retrying";
import { MediaLibrary } from "./MediaLibrary";

const KINDS: [string, string][] = [
  ["text", "Text"],
  ["image", "Image"],
  ["video", "Video"],
  ["document", "Document"],
  ["audio", "Audio"],
];

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
  const [kind, setKind] = useState("text");
  const [source, setSource] = useState("");
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
      const onRetry = (p: Parameters<typeof retryText>[0]) => setRetrying(retryText(p));
      const r =
        kind === "text"
          ? await sendText(numberId, to, body, onRetry)
          : await sendMedia(numberId, { to, kind, source, caption: kind === "audio" ? null : body || null, filename: null }, onRetry);
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
    <Page id="send" title="Send" lead="Send a free-text or media message to a contact inside the 24-hour window; keep the media for test sends.">
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
          <label className="field">
            <span>What to send</span>
            <select id="send-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              {KINDS.map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          {kind !== "text" && numberId !== null && (
            <MediaField numberId={numberId} id="media-source" label={`The ${kind} (https link or media id)`} kind={kind as MediaKind} value={source} onChange={setSource} />
          )}
          {kind !== "audio" && (
            <label className="field field--wide">
              <span>{kind === "text" ? "Message" : "Caption (optional)"}</span>
              <textarea id="text-body" rows={4} maxLength={kind === "text" ? LIMITS.text_body_max : 1024} value={body} onChange={(e) => setBody(e.target.value)} />
            </label>
          )}
          <div className="form__actions">
            <button type="submit" className="primary" id="text-send" disabled={sending || numberId === null || !to.trim() || (kind === "text" ? !body.trim() : !source.trim())}>
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
