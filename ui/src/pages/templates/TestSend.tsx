import { type FormEvent, useEffect, useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { FieldKind } from "../../lib/ipc/bindings/FieldKind";
import type { SendFormView } from "../../lib/ipc/bindings/SendFormView";
import type { TestSendResult } from "../../lib/ipc/bindings/TestSendResult";
import type { CurlImport } from "../../lib/ipc/bindings/CurlImport";
import { sendTestTemplate, templateSendForm } from "../../lib/ipc/commands";
import { useDeliveryNote } from "../../lib/hooks/useDeliveryNote";
import { VOCABULARY } from "../../lib/vocabulary";
import { StatusTrail } from "../../lib/components/StatusTrail";
import { useStatus } from "../../lib/hooks/useStatus";
import { toIpcError } from "../../lib/ipc/errors";
import { retryText } from "../../lib/retrying";
import { previewOfComponents } from "../../lib/templates";
import { Preview } from "./Preview";
import { MediaField } from "../../lib/components/MediaField";
import type { MediaKind } from "../../lib/ipc/bindings/MediaKind";

/** The media kind a field's path names (`header.video.id`, `cards.1.header.image.id`). */
function mediaKindOf(path: string): MediaKind {
  const m = /\.(image|video|document)\./.exec(path + ".");
  return (m?.[1] as MediaKind | undefined) ?? "image";
}

/** The on-screen keyboard a field's kind wants (coordinates, milliseconds, links). */
function inputModeOf(kind: FieldKind): "decimal" | "numeric" | "url" | "text" {
  switch (kind) {
    case "latitude":
    case "longitude":
      return "decimal";
    case "expiration_time_ms":
      return "numeric";
    case "media_link":
      return "url";
    default:
      return "text";
  }
}

export function TestSend(props: {
  numberId: number;
  name: string;
  language: string;
  onClose: () => void;
  /** A pasted curl command read into this test-send: its recipient and values win over the saved ones. */
  initial?: CurlImport;
}) {
  const [view, setView] = useState<SendFormView | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [to, setTo] = useState("");
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [sending, setSending] = useState(false);
  const [retrying, setRetrying] = useState<string | null>(null);
  const [result, setResult] = useState<TestSendResult | null>(null);
  const [copied, setCopied] = useState<"curl" | "httpie" | null>(null);
  const deliveryNote = useDeliveryNote(to);
  const detail = useStatus(result?.wamid ?? null);

  useEffect(() => {
    let live = true;
    templateSendForm(props.numberId, props.name, props.language).then(
      (v) => {
        if (!live) return;
        setView(v);
        const saved = props.initial?.values ?? v.saved?.values ?? {};
        setValues(Object.fromEntries(v.fields.map((f) => [f.path, saved[f.path] ?? (props.initial ? "" : f.sample)])));
        setTo(props.initial?.to ?? v.saved?.recipient ?? v.recent_recipients[0] ?? "");
      },
      (e) => live && setError(toIpcError(e)),
    );
    return () => {
      live = false;
    };
  }, [props.numberId, props.name, props.language, props.initial]);

  async function send(e: FormEvent) {
    e.preventDefault();
    setSending(true);
    setRetrying(null);
    setError(null);
    setResult(null);
    setCopied(null);
    try {
      setResult(
        await sendTestTemplate(props.numberId, { to, name: props.name, language: props.language, values }, (p) =>
          setRetrying(retryText(p)),
        ),
      );
    } catch (err) {
      setError(toIpcError(err));
    } finally {
      setSending(false);
      setRetrying(null);
    }
  }

  async function copy(kind: "curl" | "httpie") {
    if (!result) return;
    try {
      await navigator.clipboard.writeText(kind === "curl" ? result.curl : result.httpie);
      setCopied(kind);
    } catch {
      setCopied(null);
    }
  }

  return (
    <section className="card" aria-labelledby="send-title" id="tpl-send">
      <div className="toolbar">
        <h2 id="send-title">
          Test-send {props.name} <span className="mono">({props.language})</span>
        </h2>
        <button type="button" onClick={props.onClose}>
          Back to the library
        </button>
      </div>
      {view && !view.template.status.match(/^approved$/i) && (
        <p className="warning-banner">
          This variant is {view.template.status.toLowerCase()}: Meta sends only approved templates (error 132001 otherwise).
        </p>
      )}
      <p className="hint" id="send-opt-in">
        {VOCABULARY.rules.opt_in}
      </p>
      {props.initial && props.initial.notes.length > 0 && (
        <ul className="warning-banner" id="send-curl-notes">
          {props.initial.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <div className="builder-grid">
        <form className="form" onSubmit={send} aria-label="Test-send form">
          <label className="field">
            <span>Recipient (international format)</span>
            <input id="send-to" list="send-recents" value={to} onChange={(e) => setTo(e.target.value)} placeholder="4915123456789" inputMode="tel" autoComplete="off" />
            <datalist id="send-recents">
              {view?.recent_recipients.map((r) => <option key={r} value={r} />)}
            </datalist>
          </label>
          {deliveryNote && (
            <p className="warning-banner" id="send-delivery-note" role="note">
              {deliveryNote}
            </p>
          )}
          {view?.fields.length === 0 && <p className="hint">This template has no placeholders: it is sent as it is.</p>}
          {view?.fields.map((f) =>
            f.kind === "media_id" ? (
              // A media id: typed, picked from the number's media library or uploaded here.
              <MediaField
                key={f.path}
                numberId={props.numberId}
                id={`send-field-${f.path.replace(/[^a-z0-9_]/gi, "-")}`}
                label={`${f.label}${f.one_of ? " (fill this or the other)" : ""}`}
                kind={mediaKindOf(f.path)}
                value={values[f.path] ?? ""}
                onChange={(v) => setValues((prev) => ({ ...prev, [f.path]: v }))}
              />
            ) : (
              <label className="field" key={f.path}>
                <span>
                  {f.label}
                  {f.one_of ? " (fill this or the other)" : !f.required && " (optional)"}
                </span>
                <input
                  id={`send-field-${f.path.replace(/[^a-z0-9_]/gi, "-")}`}
                  value={values[f.path] ?? ""}
                  placeholder={f.sample}
                  inputMode={inputModeOf(f.kind)}
                  // A prefilled sample is selected on focus, so typing replaces it ("Maria" is a
                  // review sample, not the customer's name).
                  onFocus={(e) => e.target.value && e.target.value === f.sample && e.target.select()}
                  onChange={(e) => setValues({ ...values, [f.path]: e.target.value })}
                />
              </label>
            ),
          )}
          <div className="form__actions">
            <button type="submit" className="primary" id="send-submit" disabled={sending || !view}>
              {sending ? (retrying ? "Sending… " + retrying : "Sending…") : "Send test"}
            </button>
            {retrying && (
              <span className="hint" role="status" id="send-retrying">
                {retrying}
              </span>
            )}
          </div>
          {error && <ErrorBanner error={error} />}
        </form>
        <aside>{view && <Preview model={previewOfComponents(view.template.components, values)} id="send-preview" />}</aside>
      </div>
      {result && (
        <div className="result" id="send-result" aria-live="polite">
          <p className="notice" role="status">
            Accepted by 360dialog: <span className="mono" id="send-wamid">{result.wamid}</span>
            {result.response.messages[0]?.message_status && ` (${result.response.messages[0].message_status})`}
          </p>
          <StatusTrail detail={detail} />
          <div className="result-grid">
            <div>
              <h3>Request</h3>
              <pre className="raw-json">{JSON.stringify(result.request, null, 2)}</pre>
            </div>
            <div>
              <h3>Response</h3>
              <pre className="raw-json">{JSON.stringify(result.response, null, 2)}</pre>
            </div>
          </div>
          <h3>As curl (key masked)</h3>
          <pre className="raw-json curl" id="send-curl">
            {result.curl}
          </pre>
          <h3>As HTTPie (key masked)</h3>
          <pre className="raw-json curl" id="send-httpie">
            {result.httpie}
          </pre>
          <div className="form__actions">
            <button type="button" id="send-copy-curl" onClick={() => void copy("curl")}>
              {copied === "curl" ? "Copied" : "Copy as curl"}
            </button>
            <button type="button" id="send-copy-httpie" onClick={() => void copy("httpie")}>
              {copied === "httpie" ? "Copied" : "Copy as HTTPie"}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
