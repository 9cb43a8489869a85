import { type FormEvent, useEffect, useState } from "react";
import { When } from "../../lib/components/Badges";
import { EmptyState } from "../../lib/components/EmptyState";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { NumberPicker } from "../../lib/components/NumberPicker";
import { Page } from "../../lib/components/Page";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { WindowState } from "../../lib/ipc/bindings/WindowState";
import { conversation, sendText } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useNumbers } from "../../lib/numbers";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { StatusTrail } from "../../lib/components/StatusTrail";
import { useStatus } from "../../lib/hooks/useStatus";
import { retryText } from "../../lib/retrying";

/** The 24-hour window with a contact, as far as the inbox knows (debounced on typing). */
function useWindow(numberId: number | null, contact: string): WindowState | null {
  const [w, setW] = useState<WindowState | null>(null);
  useEffect(() => {
    const digits = contact.replace(/\D/g, "");
    if (numberId === null || digits.length < 6) {
      setW(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      conversation(numberId, digits).then((c) => live && setW(c.window), () => live && setW(null));
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [numberId, contact]);
  return w;
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
  const win = useWindow(numberId, to);
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
    <Page id="send" title="Send" lead="Send a free-text message to a contact inside the 24-hour window.">
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
            <textarea id="text-body" rows={4} maxLength={4096} value={body} onChange={(e) => setBody(e.target.value)} />
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
    </Page>
  );
}
