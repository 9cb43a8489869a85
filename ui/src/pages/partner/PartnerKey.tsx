import { useState } from "react";
import { When } from "../../lib/components/Badges";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { NumberView } from "../../lib/ipc/bindings/NumberView";
import { generateKey, numberChannel, partnerEvents } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useLoad } from "../../lib/hooks/useLoad";

/**
 * On a number imported from a partner channel: its channel and client ids, what partner events
 * said of it, and "Generate new key" (the Partner API mints the key; it goes straight to the
 * keyring, is verified, and a webhook it cleared is set again). Nothing for other numbers.
 */
export function PartnerKey(props: { number: NumberView; onChanged: (n: NumberView) => void; onRefresh: () => void }) {
  const n = props.number;
  const channel = useLoad(() => numberChannel(n.id), [n.id], ["numbers"]);
  const events = useLoad(() => partnerEvents(n.id), [n.id], ["numbers"]);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  if (!channel.data) return null;
  const c = channel.data;

  async function generate() {
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      const done = await generateKey(n.id);
      props.onChanged(done.number);
      setOutcome(done.message.charAt(0).toUpperCase() + done.message.slice(1) + ".");
    } catch (e) {
      setError(toIpcError(e));
      props.onRefresh();
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="partner-title" className="drawer__section" id="partner-section">
      <h3 id="partner-title">Partner channel</h3>
      <dl className="facts">
        <dt>Channel</dt>
        <dd className="mono" id="partner-channel-id">
          {c.channel_id}
        </dd>
        <dt>Client</dt>
        <dd className="mono">{c.client_id}</dd>
        <dt>WABA</dt>
        <dd className="mono">{c.waba_id ?? "—"}</dd>
        <dt>Status</dt>
        <dd id="partner-channel-status">
          {c.status ?? "—"}
          {c.account_mode ? ` (${c.account_mode})` : ""}
        </dd>
      </dl>
      <p className="hint">
        Generating a new key revokes every older key of this number at once. The new key goes
        straight to the keyring; it is never shown.
      </p>
      <button type="button" id="generate-key" className="primary" disabled={busy} onClick={generate}>
        {busy ? "Generating a new key…" : "Generate new key"}
      </button>
      {busy && (
        <p className="notice" role="status" id="generate-progress">
          Asking 360dialog for a new key, storing it in the keyring, verifying it and reading the
          webhook back…
        </p>
      )}
      {outcome && (
        <p className="notice" role="status" id="generate-outcome">
          {outcome}
        </p>
      )}
      {error && <ErrorBanner error={error} />}
      {events.data && events.data.length > 0 && (
        <>
          <h4>Partner events</h4>
          <ul className="plain-list" id="partner-events">
            {events.data.slice(0, 10).map((e) => (
              <li key={e.id} data-event={e.event}>
                <When at={e.received_at} /> {e.summary}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
