import { type FormEvent, useEffect, useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { MultiWebhook } from "../../lib/ipc/bindings/MultiWebhook";
import { getDestinations, saveDestination, setDestinationsEnabled } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";

/**
 * Extra destinations (`/multi_webhook`): copies of every event, sent after the main webhook
 * answered 200. "Capture a copy here" adds WABA Desk's inbox (behind its public https URL), so
 * history fills without touching the production webhook.
 */
export function Destinations({ numberId }: { numberId: number }) {
  const [multi, setMulti] = useState<MultiWebhook | null>(null);
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    getDestinations(numberId).then(
      (m) => live && setMulti(m),
      (e) => live && setError(toIpcError(e)),
    );
    return () => {
      live = false;
    };
  }, [numberId]);

  async function save(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setMulti(await saveDestination(numberId, { name, url, headers: {} }));
      setName("");
      setUrl("");
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="dest-title">
      <h2 id="dest-title">Extra destinations</h2>
      <p className="hint">
        360dialog copies every event to these once the main webhook answered 200. A number can have
        at most 3 unique webhook URLs, the main one included.
      </p>
      {error && <ErrorBanner error={error} />}
      {multi && (
        <>
          <label className="checkbox">
            <input
              type="checkbox"
              id="dest-enabled"
              checked={multi.enabled}
              onChange={(e) => setDestinationsEnabled(numberId, e.target.checked).then(setMulti, (x) => setError(toIpcError(x)))}
            />
            Send copies to the extra destinations
          </label>
          {multi.destinations.length === 0 ? (
            <p className="hint">No extra destinations.</p>
          ) : (
            <ul className="timeline" id="dest-list">
              {multi.destinations.map((d) => (
                <li key={d.name}>
                  <strong>{d.name}</strong> <span className="mono">{d.url}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <form onSubmit={save} className="form__grid" aria-label="Add or update a destination">
        <label className="field">
          <span>Name</span>
          <input id="dest-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="wabadesk-copy" />
        </label>
        <label className="field">
          <span>Destination URL</span>
          <input id="dest-url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…" spellCheck={false} />
        </label>
        <div className="form__actions">
          <button type="submit" className="primary" disabled={busy || !name || !url}>
            Save destination
          </button>
          <button
            type="button"
            onClick={() => {
              setName("wabadesk-copy");
              setUrl("https://");
            }}
            title="Fill in a destination for WABA Desk's inbox; enter the public https URL of your tunnel to it"
          >
            Capture a copy here…
          </button>
        </div>
      </form>
    </section>
  );
}
