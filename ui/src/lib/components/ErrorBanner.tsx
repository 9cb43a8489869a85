import type { ErrorPayload } from "../ipc/bindings/ErrorPayload";
import { errorTitle } from "../ipc/errors";

export function ErrorBanner({ error }: { error: ErrorPayload }) {
  return (
    <div className="error-banner" role="alert" data-code={error.code}>
      <strong>{errorTitle(error.code)}</strong>
      <p>{error.message}</p>
    </div>
  );
}
