import type { ErrorPayload } from "../ipc/bindings/ErrorPayload";
import { errorTitle } from "../ipc/errors";

/** An error in plain words; the raw text of the library or of 360dialog/Meta, when there is
 * one, stays behind a "Details" disclosure. */
export function ErrorBanner({ error }: { error: ErrorPayload }) {
  return (
    <div className="error-banner" role="alert" data-code={error.code}>
      <strong>{errorTitle(error.code)}</strong>
      <p>{error.message}</p>
      {error.details && (
        <details className="error-banner__details">
          <summary>Details</summary>
          <pre className="raw-json">{error.details}</pre>
        </details>
      )}
    </div>
  );
}
