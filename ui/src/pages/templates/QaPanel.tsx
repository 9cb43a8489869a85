import { type FormEvent, useEffect, useState } from "react";
import { When } from "../../lib/components/Badges";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { QaResult } from "../../lib/ipc/bindings/QaResult";
import type { QaRun } from "../../lib/ipc/bindings/QaRun";
import type { ReportFormat } from "../../lib/ipc/bindings/ReportFormat";
import type { Verdict } from "../../lib/ipc/bindings/Verdict";
import {
  changeSignOff,
  exportQaReport,
  getPreferences,
  qaRecentRecipients,
  qaRuns,
  revealExport,
  runQa,
  signOff,
} from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useDeliveryNote } from "../../lib/hooks/useDeliveryNote";
import { VOCABULARY } from "../../lib/vocabulary";
import { useLoad } from "../../lib/hooks/useLoad";
import { previewOfComponents } from "../../lib/templates";
import { Preview } from "./Preview";

const REPORTS: { format: ReportFormat; label: string }[] = [
  { format: "markdown", label: "Export report (Markdown)" },
  { format: "csv", label: "Export report (CSV)" },
  { format: "html", label: "Export report (printable page)" },
];

/** The message as the recipient got it: the bubble drawn from the template with the values sent. */
function SentMessage({ result }: { result: QaResult }) {
  const values = Object.entries(result.values);
  return (
    <div className="qa-sent" role="group" aria-label={`Message sent in ${result.language}`} data-rendered={result.rendered ?? ""}>
      {Array.isArray(result.components) ? (
        <Preview model={previewOfComponents(result.components, result.values)} />
      ) : (
        <p className="wa-bubble__body">{result.rendered ?? "(no text recorded)"}</p>
      )}
      {values.length > 0 && (
        <dl className="facts qa-values" aria-label={`Parameters sent in ${result.language}`}>
          {values.map(([k, v]) => (
            <div key={k}>
              <dt className="mono">{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/** Each status that arrived, with its time. */
function Delivery({ result }: { result: QaResult }) {
  if (result.error) return <span className="field-error">{result.error}</span>;
  const times: [string, string | null][] = [
    ["sent", result.sent_at],
    ["delivered", result.delivered_at],
    ["read", result.read_at],
    ["failed", result.failed_at],
  ];
  return (
    <>
      <span className={`badge badge--status-${result.status ?? "sent"}`} data-status={result.status ?? "sent"}>
        {result.status ?? "sent"}
      </span>
      {result.wamid && <div className="hint mono">{result.wamid}</div>}
      <ul className="qa-times">
        {times
          .filter(([, t]) => t)
          .map(([s, t]) => (
            <li key={s}>
              {s} <When at={t} />
            </li>
          ))}
      </ul>
    </>
  );
}

/** QA: send every approved language of one template to a test phone, then sign each off. */
export function QaPanel(props: { numberId: number; name: string; approved: number; onClose: () => void }) {
  // Statuses arrive while the panel is open: the runs are read again when messages or QA runs change.
  const loaded = useLoad(() => qaRuns(props.numberId, props.name), [props.numberId, props.name], ["qa", "messages"]);
  const recent = useLoad(() => qaRecentRecipients(props.numberId), [props.numberId], ["qa", "messages"]);
  // Who signs: the name set in Settings (read again when the settings change elsewhere).
  const prefs = useLoad(() => getPreferences(), [], ["audit"]);
  const signer = prefs.data?.your_name?.trim() || null;
  const runs = loaded.data ?? [];
  const setRuns = (f: (rs: QaRun[]) => QaRun[]) => loaded.setData((rs) => f(rs ?? []));
  const [recipient, setRecipient] = useState("");
  const deliveryNote = useDeliveryNote(recipient);
  const [progress, setProgress] = useState<[number, number] | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  // Languages whose locked verdict is being changed.
  const [changing, setChanging] = useState<Record<string, boolean>>({});
  const [exported, setExported] = useState<string | null>(null);
  const run = runs[0] ?? null;

  useEffect(() => {
    if (run && !recipient) setRecipient(run.recipient);
  }, [run, recipient]);

  async function start(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setExported(null);
    setProgress([0, props.approved]);
    try {
      const r = await runQa(props.numberId, props.name, recipient, (d, t) => setProgress([d, t]));
      setRuns((rs) => [r, ...rs]);
      setNotes({});
      setChanging({});
    } catch (err) {
      setError(toIpcError(err));
    } finally {
      setProgress(null);
    }
  }

  async function sign(r: QaResult, verdict: Verdict) {
    if (!run) return;
    setError(null);
    const change = r.verdict !== null;
    try {
      const note = notes[r.language] ?? (change ? "" : r.note);
      const next = change
        ? await changeSignOff(run.id, r.language, verdict, note)
        : await signOff(run.id, r.language, verdict, note);
      setRuns((rs) => [next, ...rs.slice(1)]);
      setChanging((c) => ({ ...c, [r.language]: false }));
      setNotes((n) => {
        const { [r.language]: _, ...rest } = n;
        return rest;
      });
    } catch (err) {
      setError(toIpcError(err));
    }
  }

  async function exportAs(format: ReportFormat) {
    if (!run) return;
    setError(null);
    try {
      setExported(await exportQaReport(run.id, format));
    } catch (err) {
      setError(toIpcError(err));
    }
  }

  async function openFolder() {
    if (!exported) return;
    try {
      await revealExport(exported);
    } catch (err) {
      setError(toIpcError(err));
    }
  }

  const recipients = (recent.data ?? []).filter((r) => r !== recipient);

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
        template's samples). Check each message below (and on the phone, if you have it), then pass or fail it.
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
      {recipients.length > 0 && (
        <p className="toolbar" id="qa-recent">
          <span className="hint">Recent recipients:</span>
          {recipients.map((r) => (
            <button type="button" key={r} className="mono" aria-label={`Use recipient ${r}`} onClick={() => setRecipient(r)}>
              {r}
            </button>
          ))}
        </p>
      )}
      {deliveryNote && (
        <p className="warning-banner" id="qa-delivery-note" role="note">
          {deliveryNote}
        </p>
      )}
      {progress && <progress max={progress[1]} value={progress[0]} aria-label="QA progress" />}
      {(error ?? loaded.error) && <ErrorBanner error={(error ?? loaded.error)!} />}
      {run && (
        <>
          <p className="hint" id="qa-run-facts">
            Run {run.id}, started <When at={run.started_at} />, from{" "}
            <strong id="qa-from">
              {run.sender_label} ({run.sender_phone})
            </strong>{" "}
            to <strong id="qa-to" className="mono">{run.recipient}</strong>
            {runs.length > 1 && ` · ${runs.length - 1} earlier run(s)`}
          </p>
          <p className="hint" id="qa-signer">
            {signer ? (
              <>
                Signing as <strong>{signer}</strong>. A verdict is locked once signed; changing it adds a new sign-off to the
                record.
              </>
            ) : (
              <span className="field-error">Set “Your name” in Settings first: a sign-off records who signed it.</span>
            )}
          </p>
          <table className="table" id="qa-results">
            <thead>
              <tr>
                <th scope="col">Language</th>
                <th scope="col">Message as sent</th>
                <th scope="col">Delivery</th>
                <th scope="col">Note</th>
                <th scope="col">Sign-off</th>
              </tr>
            </thead>
            <tbody>
              {run.results.map((r) => {
                const locked = r.verdict !== null && !changing[r.language];
                return (
                  <tr key={r.language} data-language={r.language} data-locked={locked ? "true" : "false"}>
                    <td className="mono">{r.language}</td>
                    <td>
                      <SentMessage result={r} />
                    </td>
                    <td>
                      <Delivery result={r} />
                    </td>
                    <td>
                      {locked ? (
                        <span className="qa-note">{r.note}</span>
                      ) : (
                        <input
                          aria-label={r.verdict ? `Reason for changing ${r.language}` : `Note for ${r.language}`}
                          value={notes[r.language] ?? (r.verdict ? "" : r.note)}
                          onChange={(e) => setNotes({ ...notes, [r.language]: e.target.value })}
                        />
                      )}
                    </td>
                    <td>
                      {r.verdict && (
                        <div className="qa-signed">
                          <span className={`badge badge--${r.verdict === "pass" ? "ok" : "bad"}`} data-verdict={r.verdict}>
                            {r.verdict}
                          </span>{" "}
                          <span className="hint" data-signer={r.signer ?? ""}>
                            by {r.signer ?? "(no name)"} <When at={r.signed_at} />
                            {locked && " · locked"}
                          </span>
                        </div>
                      )}
                      <div className="qa-actions">
                        {locked ? (
                          <button type="button" onClick={() => setChanging({ ...changing, [r.language]: true })} aria-label={`Change verdict of ${r.language}`}>
                            Change verdict…
                          </button>
                        ) : (
                          <>
                            <button type="button" disabled={!signer} onClick={() => sign(r, "pass")} aria-label={`Pass ${r.language}`}>
                              Pass
                            </button>
                            <button type="button" disabled={!signer} onClick={() => sign(r, "fail")} aria-label={`Fail ${r.language}`}>
                              Fail
                            </button>
                            {r.verdict && (
                              <button type="button" onClick={() => setChanging({ ...changing, [r.language]: false })}>
                                Keep {r.verdict}
                              </button>
                            )}
                          </>
                        )}
                      </div>
                      {r.earlier.length > 0 && (
                        <ul className="qa-earlier hint" aria-label={`Earlier sign-offs of ${r.language}`}>
                          {r.earlier.map((e, i) => (
                            <li key={i}>
                              <s>{e.verdict}</s> by {e.signer ?? "(no name)"} <When at={e.signed_at} />
                              {e.note && ` — ${e.note}`}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="toolbar">
            {REPORTS.map((r) => (
              <button type="button" key={r.format} onClick={() => exportAs(r.format)}>
                {r.label}
              </button>
            ))}
          </div>
          {exported && (
            <p className="notice" role="status">
              Saved to <span className="mono">{exported}</span>{" "}
              <button type="button" id="qa-open-folder" onClick={openFolder}>
                Open folder
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
