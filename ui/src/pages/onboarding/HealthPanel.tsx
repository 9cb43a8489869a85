import { useState } from "react";
import { When } from "../../lib/components/Badges";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { HealthMeaning } from "../../lib/ipc/bindings/HealthMeaning";
import { numberHealth, verifyKey } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useLoad } from "../../lib/hooks/useLoad";

function Meaning({ m }: { m: HealthMeaning }) {
  return (
    <span className={`health health--${m.tone}`} data-value={m.value}>
      <strong>{m.label}</strong> — {m.meaning}
    </span>
  );
}

/** Health in full: what `/health_status` says of the number, its account, business and app, and
 * what each value means for sending. */
export function HealthPanel({ id }: { id: number }) {
  const health = useLoad(() => numberHealth(id), [id], ["keys", "numbers"]);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const h = health.data;

  async function checkNow() {
    setChecking(true);
    setError(null);
    try {
      await verifyKey(id);
      await health.reload();
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setChecking(false);
    }
  }

  return (
    <section className="card" id="setup-health" aria-labelledby="setup-health-title">
      <h2 id="setup-health-title">Health</h2>
      {health.error && <ErrorBanner error={health.error} />}
      {error && <ErrorBanner error={error} />}
      {h && (
        <>
          <p id="setup-health-overall">
            {h.overall ? <Meaning m={h.overall} /> : "Not checked yet."}{" "}
            {h.checked_at && (
              <span className="muted">
                checked <When at={h.checked_at} />
              </span>
            )}
          </p>
          <button type="button" onClick={() => void checkNow()} disabled={checking}>
            {checking ? "Checking…" : "Check now"}
          </button>
          {h.entities.length > 0 && (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Part</th>
                  <th scope="col">Can send</th>
                  <th scope="col">Issues</th>
                </tr>
              </thead>
              <tbody>
                {h.entities.map((e) => (
                  <tr key={`${e.entity_type}-${e.id}`} data-entity={e.entity_type}>
                    <td>
                      {e.label} <span className="mono muted">{e.id}</span>
                    </td>
                    <td>
                      <Meaning m={e.can_send} />
                    </td>
                    <td>
                      {e.issues.length === 0
                        ? "none"
                        : e.issues.map((i, k) => (
                            <p key={k}>
                              {i.error_description} {i.error_code !== null && <span className="mono">({i.error_code})</span>}
                              {i.possible_solution && <span className="hint"> {i.possible_solution}</span>}
                            </p>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {h.aspects.map((a) => (
            <details key={a.name} className="health-aspect">
              <summary>
                {a.name}: {a.current ? <Meaning m={a.current} /> : <span className="muted">{a.source}</span>}
              </summary>
              <dl>
                {a.values.map((v) => (
                  <div key={v.value}>
                    <dt className="mono">{v.value}</dt>
                    <dd>
                      <Meaning m={v} />
                    </dd>
                  </div>
                ))}
              </dl>
            </details>
          ))}
        </>
      )}
    </section>
  );
}
