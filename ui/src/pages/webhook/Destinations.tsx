import { type FormEvent, useEffect, useRef, useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { Destination } from "../../lib/ipc/bindings/Destination";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { MultiWebhook } from "../../lib/ipc/bindings/MultiWebhook";
import { getDestinations, removeDestination, saveDestination, setDestinationsEnabled } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { type HeaderRow, useHeaderCheck } from "../../lib/webhook/headers";
import { useUrlCheck } from "../../lib/webhook/useUrlCheck";
import { HeaderRows } from "./HeaderRows";

const rowsOf = (headers: Destination["headers"]): HeaderRow[] =>
  Object.entries(headers).map(([name, value]) => ({ name, value }));

/**
 * Extra destinations (`/multi_webhook`): copies of every event, sent after the main webhook
 * answered 200. "Capture a copy here" adds WABA Desk's inbox (behind its public https URL), so
 * history fills without touching the production webhook. A destination can be edited (its URL and
 * headers; the name is its key at 360dialog) and removed.
 */
export function Destinations({ numberId }: { numberId: number }) {
  const [multi, setMulti] = useState<MultiWebhook | null>(null);
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [headers, setHeaders] = useState<HeaderRow[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [busy, setBusy] = useState(false);
  const urlInput = useRef<HTMLInputElement>(null);
  const reason = useUrlCheck(url === "https://" ? "" : url, numberId);
  const headerCheck = useHeaderCheck(headers);
  const headersBad = headerCheck.bad;

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

  function reset() {
    setName("");
    setUrl("");
    setHeaders([]);
    setEditing(null);
  }

  function edit(d: Destination) {
    setEditing(d.name);
    setName(d.name);
    setUrl(d.url);
    setHeaders(rowsOf(d.headers));
    setConfirmRemove(null);
    requestAnimationFrame(() => urlInput.current?.focus());
  }

  async function save(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const hs = Object.fromEntries(headers.filter((h) => h.name.trim()).map((h) => [h.name.trim(), h.value]));
      setMulti(await saveDestination(numberId, { name, url, headers: hs }));
      reset();
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }

  async function remove(destName: string) {
    setBusy(true);
    setError(null);
    try {
      setMulti(await removeDestination(numberId, destName));
      setConfirmRemove(null);
      if (editing === destName) reset();
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
                <li key={d.name} data-destination={d.name}>
                  <strong>{d.name}</strong> <span className="mono">{d.url}</span>
                  {Object.keys(d.headers).length > 0 && (
                    <span className="hint"> · headers: {Object.keys(d.headers).join(", ")}</span>
                  )}{" "}
                  <button type="button" onClick={() => edit(d)} aria-label={`Edit ${d.name}`} disabled={busy}>
                    Edit
                  </button>{" "}
                  {confirmRemove === d.name ? (
                    <span role="group" aria-label={`Confirm removing ${d.name}`}>
                      <button type="button" className="danger" onClick={() => void remove(d.name)} disabled={busy}>
                        Remove {d.name}
                      </button>{" "}
                      <button type="button" onClick={() => setConfirmRemove(null)} autoFocus>
                        Keep it
                      </button>
                    </span>
                  ) : (
                    <button type="button" onClick={() => setConfirmRemove(d.name)} aria-label={`Remove ${d.name}…`} disabled={busy}>
                      Remove…
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <form onSubmit={save} className="form__grid" aria-label={editing ? `Edit destination ${editing}` : "Add or update a destination"}>
        <label className="field">
          <span>Name</span>
          <input id="dest-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="wabadesk-copy" readOnly={editing !== null} />
        </label>
        <label className="field">
          <span>Destination URL</span>
          <input
            id="dest-url"
            ref={urlInput}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://…"
            spellCheck={false}
            aria-invalid={reason ? true : undefined}
            aria-describedby="dest-url-reason"
          />
        </label>
        <p id="dest-url-reason" className={`field--wide ${reason ? "field-error" : "hint"}`} role={reason ? "alert" : undefined}>
          {reason ?? "The same rules as the main webhook URL."}
        </p>
        <fieldset className="headers field--wide">
          <legend>Headers sent to this destination</legend>
          <HeaderRows rows={headers} onChange={setHeaders} check={headerCheck} idPrefix="dest-header" noun="Destination header" />
        </fieldset>
        <div className="form__actions">
          <button type="submit" className="primary" disabled={busy || !name || !url || !!reason || headersBad}>
            {editing ? "Save changes" : "Save destination"}
          </button>
          {editing ? (
            <button type="button" onClick={reset}>
              Cancel editing
            </button>
          ) : (
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
          )}
        </div>
      </form>
    </section>
  );
}
