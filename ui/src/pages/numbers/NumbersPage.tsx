import { useEffect, useRef, useState } from "react";
import { HealthBadge, KeyStateBadge, When } from "../../lib/components/Badges";
import { EmptyState } from "../../lib/components/EmptyState";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { Page } from "../../lib/components/Page";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { VerifyProgress } from "../../lib/ipc/bindings/VerifyProgress";
import { onboardingProgress, verifyAll, verifyKey } from "../../lib/ipc/commands";
import { useLoad } from "../../lib/hooks/useLoad";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { toIpcError } from "../../lib/ipc/errors";
import { useNumbers } from "../../lib/numbers";
import { TryDemo } from "../../lib/profile";
import { NumberDrawer } from "./NumberDrawer";
import { numberNamed, useRouteParams } from "../../lib/hooks/useRouteParams";
import { NumberForm } from "./NumberForm";
import { isStale, StaleMark, verifySummary } from "./stale";

/** Health older than this is re-read when the page opens. */
const HEALTH_MAX_AGE_MS = 5 * 60 * 1000;

export function NumbersPage() {
  const { numbers, error, refresh, put } = useNumbers();
  const [adding, setAdding] = useState(false);
  const [openId, setOpenId] = useState<number | null>(null);
  const [progress, setProgress] = useState<VerifyProgress | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<ErrorPayload | null>(null);
  const [summary, setSummary] = useState<string | null>(null);
  const refreshedOnOpen = useRef(false);
  // A wabadesk://number/… link opens that number's drawer.
  const linked = useRouteParams().get("number");
  useEffect(() => {
    if (!linked || !numbers) return;
    const n = numberNamed(numbers, linked);
    if (n) setOpenId(n.id);
  }, [linked, numbers]);
  const addButton = useRef<HTMLButtonElement>(null);
  const [, choose] = useChosenNumber({ canShowAll: false });
  // Each number's onboarding checklist progress (from what WABA Desk knows; no call to 360dialog).
  const setup = useLoad(() => onboardingProgress(), [], ["onboarding", "numbers", "keys", "webhook", "messages", "inbox"]);

  // Health is cached with its time; stale entries are refreshed once when the page opens.
  useEffect(() => {
    if (!numbers || refreshedOnOpen.current) return;
    refreshedOnOpen.current = true;
    const stale = numbers.filter(
      (n) =>
        (n.key_state === "verified" || n.key_state === "unverified") &&
        (!n.health_checked_at || Date.now() - Date.parse(n.health_checked_at) > HEALTH_MAX_AGE_MS),
    );
    void (async () => {
      for (const n of stale) {
        await verifyKey(n.id).then(put, () => undefined);
      }
      if (stale.length) await refresh();
    })();
  }, [numbers, put, refresh]);

  async function runVerifyAll() {
    setVerifying(true);
    setVerifyError(null);
    setProgress(null);
    setSummary(null);
    try {
      setSummary(verifySummary(await verifyAll(setProgress)));
    } catch (e) {
      setVerifyError(toIpcError(e));
    } finally {
      setVerifying(false);
      await refresh();
    }
  }

  const open = numbers?.find((n) => n.id === openId) ?? null;
  const withKeys = numbers?.filter((n) => n.key_state !== "none").length ?? 0;

  return (
    <Page id="numbers" title="Numbers" lead="Your WhatsApp business numbers and their 360dialog API keys.">
      <div className="toolbar">
        <button type="button" id="add-number" className="primary" ref={addButton} onClick={() => setAdding(true)} disabled={adding}>
          Add number
        </button>
        <button type="button" id="verify-all" onClick={runVerifyAll} disabled={verifying || withKeys === 0}>
          {verifying ? "Verifying…" : "Verify all keys"}
        </button>
        {verifying && progress && (
          <span role="status" className="hint">
            <progress max={progress.total} value={progress.done} /> {progress.done} of {progress.total}:{" "}
            {progress.outcome.label} {progress.outcome.key_state}
          </span>
        )}
      </div>
      {summary && (
        <p role="status" className="notice" id="verify-summary">
          Verify all keys: {summary}
        </p>
      )}
      {error && <ErrorBanner error={error} />}
      {verifyError && <ErrorBanner error={verifyError} />}
      {adding && (
        <NumberForm
          onSaved={(n) => {
            put(n);
            setAdding(false);
            setOpenId(n.id);
          }}
          onCancel={() => {
            setAdding(false);
            // The button was disabled while the form was open: focus it once it is enabled again.
            requestAnimationFrame(() => addButton.current?.focus());
          }}
        />
      )}

      {numbers === null && !error && <p aria-busy="true">Loading numbers…</p>}
      {numbers?.length === 0 && !adding && (
        <EmptyState title="No numbers yet" icon="☎">
          <p>
            Add a number by its phone number and paste the API key 360dialog issued for it. The key is
            checked against the API, then kept only in your OS keyring: WABA Desk shows its last four
            characters and a fingerprint, never the key itself.
          </p>
          <p className="hint">
            Only the newest key of a number is valid. When someone generates a new key in the 360dialog
            Hub, paste it here and the old one is retired.
          </p>
          <TryDemo />
        </EmptyState>
      )}
      {numbers && numbers.length > 0 && (
        <table className="table" id="numbers-table">
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">Phone</th>
              <th scope="col">Environment</th>
              <th scope="col">Key</th>
              <th scope="col">Last verified</th>
              <th scope="col">Health</th>
              <th scope="col">Setup</th>
            </tr>
          </thead>
          <tbody>
            {numbers.map((n) => (
              <tr key={n.id} data-phone={n.phone} data-number-id={n.id} aria-selected={n.id === openId}>
                <td>
                  <button type="button" className="link" onClick={() => setOpenId(n.id)}>
                    {n.label}
                  </button>
                </td>
                <td className="mono">{n.phone}</td>
                <td>{n.environment}</td>
                <td>
                  <KeyStateBadge state={n.key_state} />{" "}
                  <span className="mono muted">
                    {n.key_hint} {n.key_fingerprint}
                  </span>
                </td>
                <td data-stale={isStale(n) ? "" : undefined}>
                  <When at={n.key_verified_at} /> <StaleMark stale={isStale(n)} what="Last verified" />
                </td>
                <td data-stale={isStale(n) ? "" : undefined}>
                  <HealthBadge health={n.health} /> <StaleMark stale={isStale(n)} what="Health" />
                </td>
                <td>
                  {(() => {
                    const p = setup.data?.find((x) => x.number_id === n.id);
                    if (!p) return null;
                    return (
                      <a
                        href="#/setup"
                        className="setup-progress"
                        data-done={p.done}
                        data-total={p.total}
                        onClick={() => choose(n.id)}
                        title={p.done === p.total ? "Every setup step is done" : "Open the setup checklist"}
                      >
                        {p.done === p.total ? "✓ " : ""}
                        {p.done} of {p.total}
                      </a>
                    );
                  })()}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && (
        <NumberDrawer
          number={open}
          onChanged={put}
          onRefresh={() => void refresh()}
          onRemoved={() => {
            setOpenId(null);
            void refresh();
          }}
          onClose={() => setOpenId(null)}
          returnFocus={() =>
            document.querySelector<HTMLElement>(`#numbers-table tr[data-number-id="${open.id}"] button`) ?? addButton.current
          }
        />
      )}
    </Page>
  );
}
