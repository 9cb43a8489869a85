import { useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { CurlImport } from "../../lib/ipc/bindings/CurlImport";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import { importCurl } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";

/** Paste a curl command for `POST /messages` (Postman's, 360dialog's docs', "copy as curl"), or the HTTPie line "copy as HTTPie" writes, and open it as a test-send. */
export function PasteCurl(props: { numberId: number; onCancel: () => void; onOpen: (c: CurlImport) => void }) {
  const [text, setText] = useState("");
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [busy, setBusy] = useState(false);

  async function open() {
    setBusy(true);
    setError(null);
    try {
      props.onOpen(await importCurl(props.numberId, text));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="curl-title">
      <h2 id="curl-title">Paste curl</h2>
      <p className="hint">
        Paste a curl command that sends a template (POST …/messages), or the HTTPie one "Copy as HTTPie" gives. It opens as
        a test-send of this number; a key in the command is not kept.
      </p>
      <textarea id="templates-curl" rows={8} className="mono" value={text} onChange={(e) => setText(e.target.value)} aria-label="curl or HTTPie command" />
      {error && <ErrorBanner error={error} />}
      <div className="form__actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="primary" id="templates-curl-open" onClick={() => void open()} disabled={busy || !text.trim()}>
          Open as test-send
        </button>
      </div>
    </section>
  );
}
