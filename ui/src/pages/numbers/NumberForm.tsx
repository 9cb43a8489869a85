import { type FormEvent, useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { Environment } from "../../lib/ipc/bindings/Environment";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { NumberInput } from "../../lib/ipc/bindings/NumberInput";
import type { NumberView } from "../../lib/ipc/bindings/NumberView";
import { addNumber, updateNumber } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { usePreferences } from "../../lib/preferences";

export const ENVIRONMENTS: { value: Environment; label: string }[] = [
  { value: "production", label: "Production (waba-v2.360dialog.io)" },
  { value: "sandbox", label: "360dialog sandbox" },
  { value: "simulator", label: "Local simulator" },
];

/** The environment of the number added last: the next one is most likely in the same. */
const LAST_ENVIRONMENT = "wabadesk.lastEnvironment";

function lastEnvironment(): Environment {
  try {
    const v = localStorage.getItem(LAST_ENVIRONMENT);
    if (ENVIRONMENTS.some((x) => x.value === v)) return v as Environment;
  } catch {
    // storage unavailable: the default applies
  }
  return "production";
}

function rememberEnvironment(env: Environment) {
  try {
    localStorage.setItem(LAST_ENVIRONMENT, env);
  } catch {
    // not remembered; nothing else depends on it
  }
}

/** Add a number, or edit one (`existing`). Validation is the core's; its message shows here. */
export function NumberForm(props: {
  existing?: NumberView;
  onSaved: (n: NumberView) => void;
  onCancel: () => void;
}) {
  const e = props.existing;
  // The default set in Settings; without one, the environment of the number added last.
  const chosenDefault = usePreferences().preferences.default_environment ?? null;
  const [input, setInput] = useState<NumberInput>({
    phone: e?.phone ?? "",
    label: e?.label ?? "",
    environment: e?.environment ?? chosenDefault ?? lastEnvironment(),
    base_url: e?.base_url_override ?? "",
    notes: e?.notes ?? "",
  });
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<NumberInput>) => setInput((i) => ({ ...i, ...patch }));
  // An error about the label shows at the label field; any other error in the banner.
  const labelError = error?.field === "label" ? error.message : null;

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = e ? await updateNumber(e.id, input) : await addNumber(input);
      if (!e) rememberEnvironment(input.environment);
      props.onSaved(saved);
    } catch (err) {
      setError(toIpcError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form card" onSubmit={submit} aria-label={e ? "Edit number" : "Add a number"}>
      <h2>{e ? `Edit ${e.label}` : "Add a number"}</h2>
      <div className="form__grid">
        <label className="field">
          <span>Phone number</span>
          <input
            id="number-phone"
            value={input.phone}
            onChange={(ev) => set({ phone: ev.target.value })}
            placeholder="+49 151 23456789"
            inputMode="tel"
            autoComplete="off"
            required
            disabled={!!e}
            autoFocus={!e}
          />
          <small className="hint">With country code. It identifies the number and cannot change later.</small>
        </label>
        <label className="field">
          <span>Label</span>
          <input
            id="number-label"
            value={input.label}
            onChange={(ev) => set({ label: ev.target.value })}
            placeholder="Support DE"
            required
            autoFocus={!!e}
            aria-invalid={labelError ? true : undefined}
            aria-describedby={labelError ? "number-label-error" : undefined}
          />
          {labelError && (
            <p id="number-label-error" className="field-error" role="alert">
              {labelError}
            </p>
          )}
        </label>
        <label className="field">
          <span>Environment</span>
          <select
            id="number-env"
            value={input.environment}
            onChange={(ev) => set({ environment: ev.target.value as Environment })}
          >
            {ENVIRONMENTS.map((x) => (
              <option key={x.value} value={x.value}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>API base URL (optional)</span>
          <input
            id="number-base-url"
            value={input.base_url ?? ""}
            onChange={(ev) => set({ base_url: ev.target.value })}
            placeholder="default for the environment"
            autoComplete="off"
          />
        </label>
        <label className="field field--wide">
          <span>Notes</span>
          <textarea
            id="number-notes"
            value={input.notes ?? ""}
            onChange={(ev) => set({ notes: ev.target.value })}
            rows={2}
          />
        </label>
      </div>
      {error && !labelError && <ErrorBanner error={error} />}
      <div className="form__actions">
        <button type="submit" id="number-submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : e ? "Save changes" : "Add number"}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
