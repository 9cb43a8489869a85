import { useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { useLoad } from "../../lib/hooks/useLoad";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import { relayPointWebhook, relayStatus } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";

/**
 * One click: the number's webhook goes to the team relay (Settings → Team relay), with a
 * shared secret the relay checks. Shown only while this profile is connected to a relay.
 */
export function RelayPoint(props: { numberId: number; onPointed: () => void }) {
  const status = useLoad(() => relayStatus(), [], ["inbox"]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (!status.data?.connected) return null;

  async function point() {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const r = await relayPointWebhook(props.numberId);
      setDone(r.url);
      props.onPointed();
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div id="webhook-relay">
      <p>
        <button type="button" id="webhook-point-relay" onClick={() => void point()} disabled={busy}>
          {busy ? "Pointing at the team relay…" : "Point this number's webhook at the team relay"}
        </button>{" "}
        <span className="hint">
          Sets <span className="mono">{status.data.url}/webhook</span> with a shared secret the relay checks; the
          history of every connected desktop fills from it.
        </span>
      </p>
      {done && (
        <p className="notice" role="status">
          360dialog now sends this number&apos;s webhooks to <span className="mono">{done}</span>.
        </p>
      )}
      {error && <ErrorBanner error={error} />}
    </div>
  );
}
