import { useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { NumberView } from "../../lib/ipc/bindings/NumberView";
import type { PostmanSaved } from "../../lib/ipc/bindings/PostmanSaved";
import { exportPostman } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { VOCABULARY } from "../../lib/vocabulary";

/** The number's drawer: export every request the app makes as a Postman collection and environment. */
export function PostmanExport(props: { number: NumberView }) {
  const [includeKey, setIncludeKey] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<PostmanSaved | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      setSaved(await exportPostman(props.number.id, includeKey));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="postman-title" className="drawer__section">
      <h3 id="postman-title">Postman</h3>
      <p className="hint">
        Every request WABA Desk makes for this number (health, webhook, templates, sends with the test-send form's values,
        media and uploads), with the base URL as a variable and the API key as a secret variable.
      </p>
      <label className="checkbox">
        <input type="checkbox" id="postman-include-key" checked={includeKey} onChange={(e) => setIncludeKey(e.target.checked)} />
        Include the API key
      </label>
      {includeKey && (
        <p className="warning-banner" id="postman-key-warning" role="alert">
          {VOCABULARY.rules.key_in_file}
        </p>
      )}
      <button type="button" id="postman-export" onClick={() => void run()} disabled={busy}>
        {busy ? "Exporting…" : "Export Postman collection"}
      </button>
      {saved && (
        <p className="notice" role="status" id="postman-saved">
          Saved in <span className="mono">{saved.dir}</span>: {saved.collection_file} and {saved.environment_file}
          {saved.key_included ? " (with the API key)" : " (set api_key in Postman)"}.
          {saved.skipped.length > 0 && ` Left out: ${saved.skipped.join("; ")}.`}
        </p>
      )}
      {error && <ErrorBanner error={error} />}
    </section>
  );
}
