import { type FormEvent, useEffect, useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { QaRun } from "../../lib/ipc/bindings/QaRun";
import type { ReportFormat } from "../../lib/ipc/bindings/ReportFormat";
import type { Verdict } from "../../lib/ipc/bindings/Verdict";
import { exportQaReport, qaRuns, runQa, signOff } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useLoad } from "../../lib/hooks/useLoad";
import { useDeliveryNote } from "../../lib/hooks/useDeliveryNote";
import { VOCABULARY } from "../../lib/vocabulary";

/** QA: send every approved language of one template to a test phone, then sign each off. */
export function QaPanel(props: { numberId: number; name: string; approved: number; onClose: () => void }) {
  // Statuses arrive while the panel is open: the runs are read again when messages or QA runs change.
  const loaded = useLoad(() => qaRuns(props.numberId, props.name), [props.numberId, props.name], ["qa", "messages"]);
  const runs = loaded.data ?? [];
  const setRuns = (f: (rs: QaRun[]) => QaRun[]) => loaded.setData((rs) => f(rs ?? []));
  const [recipient, setRecipient] = useState("");
  const deliveryNote = useDeliveryNote(recipient);
  const [progress, setProgress] = useState<[number, number] | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [exported, setExported] = useState<string | null>(null);
  const run = runs[0] ?? null;

  useEffect(() => {
    if (run && !recipient) setRecipient(run.recipient);
  }, [run, recipient]);

  async function start(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setProgress([0, props.approved]);
    try {
      const r = await runQa(props.numberId, props.name, recipient, (d, t) => setProgress([d, t]));
      setRuns((rs) => [r, ...rs]);
    } catch (err) {
      setError(toIpcError(err));
    } finally {
      setProgress(null);
    }
  }

  async function sign(language: string, verdict: Verdict) {
    if (!run) return;
    try {
      const r = await signOff(run.id, language, verdict, notes[language] ?? "");
      setRuns((rs) => [r, ...rs.slice(1)]);
    } catch (err) {
      setError(toIpcError(err));
    }
  }

  async function exportAs(format: ReportFormat) {
    if (!run) return;
    try {
      setExported(await exportQaReport(run.id, format));
    } catch (err) {
      setError(toIpcError(err));
    }
  }

  return (
    <section className="card" aria-labelledby="qa-title" id="tpl-qa">
      <div className="toolbar">
        <h2 id="qa-title">QA run: {props.name}</h2>
        <button type="button" onClick={props.onClose}>
          Back to the library
        </button>
      </div>
      <p className="hint">
        Sends each approved language ({props.approved}) to the test phone with the inputs last used for it (or the
        template's samples). Check each message on the phone, then pass or fail it.
      </p>
      <p className="hint" id="qa-opt-in">
        {VOCABULARY.rules.opt_in}
      </p>
      <form className="toolbar" onSubmit={start} aria-label="Start a QA run">
        <label className="field">
          <span>Test recipient</span>
          <input id="qa-recipient" value={recipient} onChange={(e) => setRecipient(e.target.value)} placeholder="4915123456789" />
        </label>
        <button type="submit" className="primary" id="qa-start" disabled={!!progress || props.approved === 0}>
          {progress ? `Sending ${Math.min(progress[0] + 1, progress[1])} of ${progress[1]}…` : "Run QA"}
        </button>
      </form>
      {deliveryNote && (
        <p className="warning-banner" id="qa-delivery-note" role="note">
          {deliveryNote}
        </p>
      )}
      {progress && <progress max={progress[1]} value={progress[0]} aria-label="QA progress" />}
      {(error ?? loaded.error) && <ErrorBanner error={(error ?? loaded.error)!} />}
      {run && (
        <>
          <p className="hint">
            Run {run.id}, started {run.started_at} to {run.recipient}
            {runs.length > 1 && ` · ${runs.length - 1} earlier run(s)`}
          </p>
          <table className="table" id="qa-results">
            <thead>
              <tr>
                <th scope="col">Language</th>
                <th scope="col">Delivery</th>
                <th scope="col">Note</th>
                <th scope="col">Sign-off</th>
              </tr>
            </thead>
            <tbody>
              {run.results.map((r) => (
                <tr key={r.language} data-language={r.language}>
                  <td className="mono">{r.language}</td>
                  <td>
                    {r.error ? (
                      <span className="field-error">{r.error}</span>
                    ) : (
                      <span className={`badge badge--status-${r.status ?? "sent"}`}>{r.status ?? "sent"}</span>
                    )}
                  </td>
                  <td>
                    <input
                      aria-label={`Note for ${r.language}`}
                      value={notes[r.language] ?? r.note}
                      onChange={(e) => setNotes({ ...notes, [r.language]: e.target.value })}
                    />
                  </td>
                  <td>
                    {r.verdict && (
                      <span className={`badge badge--${r.verdict === "pass" ? "ok" : "bad"}`} data-verdict={r.verdict}>
                        {r.verdict}
                      </span>
                    )}{" "}
                    <button type="button" onClick={() => sign(r.language, "pass")} aria-label={`Pass ${r.language}`}>
                      Pass
                    </button>{" "}
                    <button type="button" onClick={() => sign(r.language, "fail")} aria-label={`Fail ${r.language}`}>
                      Fail
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="toolbar">
            <button type="button" onClick={() => exportAs("markdown")}>
              Export report (Markdown)
            </button>
            <button type="button" onClick={() => exportAs("csv")}>
              Export report (CSV)
            </button>
          </div>
          {exported && (
            <p className="notice" role="status">
              Saved to <span className="mono">{exported}</span>
            </p>
          )}
        </>
      )}
    </section>
  );
}
