import { type FormEvent, useCallback, useEffect, useState } from "react";
import { HealthBadge, KeyStateBadge, When } from "../../lib/components/Badges";
import { Drawer } from "../../lib/components/Drawer";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { AuditEntry } from "../../lib/ipc/bindings/AuditEntry";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { NumberView } from "../../lib/ipc/bindings/NumberView";
import type { WebhookAfterKey } from "../../lib/ipc/bindings/WebhookAfterKey";
import { keyHistory, reapplyWebhook, removeKey, removeNumber, setKey, verifyKey } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { PartnerKey } from "../partner/PartnerKey";
import { NumberForm } from "./NumberForm";
import { PostmanExport } from "./PostmanExport";
import { isStale, StaleMark } from "./stale";

/** One number: its key (paste, check), health, details, key history, removal. */
export function NumberDrawer(props: {
  number: NumberView;
  onChanged: (n: NumberView) => void;
  onRemoved: () => void;
  /** Re-reads the numbers: a failed call can still change state (a 401 marks the key). */
  onRefresh: () => void;
  onClose: () => void;
  /** Where focus goes when the drawer closes (the number's row). */
  returnFocus?: () => HTMLElement | null | undefined;
}) {
  const n = props.number;
  const [key, setKeyText] = useState("");
  const [verify, setVerify] = useState(true);
  const [busy, setBusy] = useState<null | "save" | "check" | "forget" | "remove" | "reapply">(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  /** A key refused for what it is (another number's, malformed): shown at the key field. */
  const [keyError, setKeyError] = useState<string | null>(null);
  /** The webhook read back after a new key, when it is gone or changed. */
  const [webhookLost, setWebhookLost] = useState<WebhookAfterKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [history, setHistory] = useState<AuditEntry[]>([]);
  const [editing, setEditing] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [confirmForget, setConfirmForget] = useState(false);

  const loadHistory = useCallback(() => {
    keyHistory(n.id).then(setHistory, () => setHistory([]));
  }, [n.id]);
  useEffect(loadHistory, [loadHistory, n.key_state, n.key_fingerprint]);

  async function run(kind: "save" | "check" | "forget", action: () => Promise<NumberView>, ok: string): Promise<boolean> {
    setBusy(kind);
    setError(null);
    setNotice(null);
    try {
      props.onChanged(await action());
      setNotice(ok);
      return true;
    } catch (e) {
      setError(toIpcError(e));
      props.onRefresh();
      return false;
    } finally {
      setBusy(null);
    }
  }

  async function saveKey(ev: FormEvent) {
    ev.preventDefault();
    // Cleared once saved (never shown again); a rejected key stays in the field to be corrected.
    setBusy("save");
    setError(null);
    setKeyError(null);
    setNotice(null);
    setWebhookLost(null);
    try {
      const saved = await setKey(n.id, key, verify);
      props.onChanged(saved.number);
      setNotice(verify ? "Key verified and saved." : "Key saved (not verified).");
      setKeyText("");
      const w = saved.webhook;
      if (w.state === "gone" || w.state === "changed") setWebhookLost(w);
      else if (w.state === "unreadable") setError({ code: "upstream", message: w.message });
    } catch (e) {
      const err = toIpcError(e);
      if (err.code === "validation") setKeyError(err.message);
      else setError(err);
      props.onRefresh();
    } finally {
      setBusy(null);
    }
  }

  async function reapply() {
    setBusy("reapply");
    setError(null);
    try {
      const v = await reapplyWebhook(n.id);
      setWebhookLost(null);
      setNotice(`Webhook re-applied: ${v.url ?? ""}`);
      loadHistory();
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(null);
    }
  }

  async function remove() {
    setBusy("remove");
    try {
      await removeNumber(n.id);
      props.onRemoved();
    } catch (e) {
      setError(toIpcError(e));
      setBusy(null);
    }
  }

  const health = n.health;
  return (
    <Drawer id="number-drawer" labelledBy="drawer-title" data={{ "number-id": n.id }} onClose={props.onClose} returnFocus={props.returnFocus}>
      <header className="drawer__header">
        <div>
          <h2 id="drawer-title">{n.label}</h2>
          <p className="mono">{n.phone}</p>
        </div>
        <button type="button" className="icon-button" onClick={props.onClose} aria-label="Close details">
          ✕
        </button>
      </header>

      {n.key_state === "superseded" && (
        <div className="warning-banner" role="status">
          360dialog rejected this key: a newer key was generated for this number. Paste the new key
          below.
        </div>
      )}
      {error && <ErrorBanner error={error} />}
      {webhookLost && (
        <div className="warning-banner" role="status" id="webhook-lost">
          <p>
            {webhookLost.state === "gone"
              ? "The webhook is gone at 360dialog since the new key was issued: no events reach WABA Desk."
              : `The webhook at 360dialog is now ${webhookLost.current_url ?? "none"}.`}{" "}
            WABA Desk last set <span className="mono">{webhookLost.known_url}</span>
            {webhookLost.known_header_names.length > 0 && <> with the headers {webhookLost.known_header_names.join(", ")}</>}.
          </p>
          <button type="button" id="webhook-reapply" className="primary" disabled={busy !== null} onClick={reapply}>
            {busy === "reapply" ? "Re-applying…" : "Re-apply the webhook"}
          </button>
        </div>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}

      <section aria-labelledby="key-title" className="drawer__section">
        <h3 id="key-title">API key</h3>
        <dl className="facts">
          <dt>State</dt>
          <dd id="drawer-key-state">
            <KeyStateBadge state={n.key_state} />
          </dd>
          <dt>Key</dt>
          <dd className="mono">{n.key_hint ?? "none"}</dd>
          <dt>Fingerprint</dt>
          <dd className="mono">{n.key_fingerprint ?? "—"}</dd>
          <dt>Last verified</dt>
          <dd id="drawer-last-verified" data-stale={isStale(n) ? "" : undefined}>
            <When at={n.key_verified_at} /> <StaleMark stale={isStale(n)} what="Last verified" />
          </dd>
        </dl>
        <form onSubmit={saveKey} className="key-form" aria-label="Set the API key">
          <label className="field field--wide">
            <span>{n.key_state === "none" ? "Paste the API key" : "Paste a new API key"}</span>
            <input
              id="key-input"
              data-autofocus={n.key_state === "none" || n.key_state === "superseded" ? "" : undefined}
              type="password"
              value={key}
              onChange={(e) => {
                setKeyText(e.target.value);
                setKeyError(null);
              }}
              aria-invalid={keyError ? true : undefined}
              aria-describedby={keyError ? "key-error" : undefined}
              autoComplete="off"
              spellCheck={false}
              placeholder="from the 360dialog Hub"
            />
          </label>
          {keyError && (
            <p id="key-error" className="field-error" role="alert">
              {keyError}
            </p>
          )}
          <label className="checkbox">
            <input
              id="key-verify"
              type="checkbox"
              checked={verify}
              onChange={(e) => setVerify(e.target.checked)}
            />
            Verify with 360dialog before saving
          </label>
          <div className="form__actions">
            <button type="submit" id="key-save" className="primary" disabled={!key.trim() || busy !== null}>
              {busy === "save" ? "Verifying…" : "Save key"}
            </button>
            <button
              type="button"
              id="key-check"
              disabled={n.key_state === "none" || busy !== null}
              onClick={() => run("check", () => verifyKey(n.id), "The key works.")}
            >
              {busy === "check" ? "Checking…" : "Check now"}
            </button>
            {n.key_state !== "none" && !confirmForget && (
              <button type="button" id="key-forget" disabled={busy !== null} onClick={() => setConfirmForget(true)}>
                Delete key…
              </button>
            )}
          </div>
          {confirmForget && (
            <div className="confirm" role="alertdialog" aria-label="Confirm key deletion">
              <p>
                Delete this number's API key from the OS keyring? WABA Desk cannot call 360dialog
                for {n.label} until a key is pasted again. The deletion is recorded in the audit log.
              </p>
              <button
                type="button"
                id="key-forget-confirm"
                className="danger"
                disabled={busy !== null}
                onClick={() => {
                  setConfirmForget(false);
                  void run("forget", () => removeKey(n.id), "Key deleted from the keyring.");
                }}
              >
                Delete key
              </button>
              <button type="button" onClick={() => setConfirmForget(false)} autoFocus>
                Keep it
              </button>
            </div>
          )}
        </form>
      </section>

      <PartnerKey number={n} onChanged={props.onChanged} onRefresh={props.onRefresh} />

      <section aria-labelledby="health-title" className="drawer__section">
        <h3 id="health-title">
          Health <HealthBadge health={health} /> <StaleMark stale={isStale(n)} what="Health" />
        </h3>
        {isStale(n) && health && (
          <p className="hint" id="health-stale">
            Read with the superseded key: stale until a new key is saved and checked.
          </p>
        )}
        {health ? (
          <ul className="health-list">
            {health.entities.map((e) => (
              <li key={e.entity_type + e.id}>
                <span>{e.entity_type.toLowerCase().replace("_", " ")}</span>
                <span className="mono">{e.id}</span>
                <span>{e.can_send_message ?? "—"}</span>
                {e.errors.map((x, i) => (
                  <p key={i} className="hint">
                    {x.error_description} {x.possible_solution}
                  </p>
                ))}
              </li>
            ))}
          </ul>
        ) : (
          <p className="hint">Not checked yet. "Check now" reads it from 360dialog.</p>
        )}
        <p className="hint">
          Checked <When at={n.health_checked_at} />
        </p>
      </section>

      <section aria-labelledby="details-title" className="drawer__section">
        <h3 id="details-title">Details</h3>
        {editing ? (
          <NumberForm
            existing={n}
            onSaved={(saved) => {
              setEditing(false);
              props.onChanged(saved);
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <>
            <dl className="facts">
              <dt>Environment</dt>
              <dd>{n.environment}</dd>
              <dt>API base URL</dt>
              <dd className="mono">{n.base_url}</dd>
              <dt>Phone number id</dt>
              <dd className="mono">{n.phone_number_id ?? "—"}</dd>
              <dt>WABA id</dt>
              <dd className="mono">{n.waba_id ?? "—"}</dd>
              <dt>Notes</dt>
              <dd>{n.notes || <span className="muted">none</span>}</dd>
            </dl>
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          </>
        )}
      </section>

      <PostmanExport number={n} />

      <section aria-labelledby="history-title" className="drawer__section">
        <h3 id="history-title">Key history</h3>
        {history.length === 0 ? (
          <p className="hint">No key changes yet.</p>
        ) : (
          <ol className="timeline" id="key-history">
            {history.map((h) => (
              <li key={h.id} data-action={h.action}>
                <strong>{h.action.replace(/_/g, " ")}</strong> <When at={h.at} /> · {h.actor}
                {(h.old_fingerprint || h.new_fingerprint) && (
                  <span className="mono">
                    {" "}
                    {h.old_fingerprint ?? "—"} → {h.new_fingerprint ?? "—"}
                  </span>
                )}
                {h.detail && <p className="hint">{h.detail}</p>}
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="danger-title" className="drawer__section">
        <h3 id="danger-title">Remove</h3>
        {confirmRemove ? (
          <div className="confirm" role="alertdialog" aria-label="Confirm removal">
            <p>
              Remove {n.label} and delete its API key from the OS keyring? Its history stays in
              the audit log.
            </p>
            <button type="button" id="remove-confirm" className="danger" onClick={remove} disabled={busy !== null}>
              Remove {n.label}
            </button>
            <button type="button" onClick={() => setConfirmRemove(false)} autoFocus>
              Keep it
            </button>
          </div>
        ) : (
          <button type="button" id="remove-number" onClick={() => setConfirmRemove(true)}>
            Remove number…
          </button>
        )}
      </section>
    </Drawer>
  );
}
