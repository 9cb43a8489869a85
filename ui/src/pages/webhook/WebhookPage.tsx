import { type FormEvent, useEffect, useState } from "react";
import { When } from "../../lib/components/Badges";
import { EmptyState } from "../../lib/components/EmptyState";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { NumberPicker } from "../../lib/components/NumberPicker";
import { Page } from "../../lib/components/Page";
import type { EndpointTest } from "../../lib/ipc/bindings/EndpointTest";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { TestEventKind } from "../../lib/ipc/bindings/TestEventKind";
import type { WebhookView } from "../../lib/ipc/bindings/WebhookView";
import {
  acceptWebhook,
  getWebhook,
  pointWebhookAtInbox,
  relayStatus,
  setWebhook,
  testWebhookEndpoint,
} from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useNumbers } from "../../lib/numbers";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { useLoad } from "../../lib/hooks/useLoad";
import { useUrlCheck } from "../../lib/webhook/useUrlCheck";
import { Destinations } from "./Destinations";
import { HeaderRows } from "./HeaderRows";
import { RelayPoint } from "./RelayPoint";
import { type HeaderRow, useHeaderCheck } from "../../lib/webhook/headers";

const SECRET_HEADER = "X-Wabadesk-Secret";
/** Where the inbox listens when the Webhook page starts it (the Inbox page's default too). */
export const INBOX_LISTEN = "127.0.0.1:8377";

export function WebhookPage() {
  const { numbers, refresh } = useNumbers();
  const withKey = numbers?.filter((n) => n.key_state !== "none") ?? [];
  const [numberId, setNumberId] = useChosenNumber({ canShowAll: false });
  const [view, setView] = useState<WebhookView | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [url, setUrl] = useState("");
  const [headers, setHeaders] = useState<HeaderRow[]>([]);
  const [secret, setSecret] = useState(false);
  // The team relay this profile follows: a webhook pointing at it feeds every colleague.
  const relay = useLoad(() => relayStatus(), [], ["inbox"]);
  const relayUrl = relay.data?.connected && relay.data.url ? `${relay.data.url.replace(/\/+$/, "")}/webhook` : null;
  const [confirmLeaveRelay, setConfirmLeaveRelay] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<EndpointTest | null>(null);
  const [testKind, setTestKind] = useState<TestEventKind>("status");
  const [testing, setTesting] = useState(false);
  const reason = useUrlCheck(url, numberId);
  const [pointing, setPointing] = useState(false);
  const chosen = numbers?.find((n) => n.id === numberId) ?? null;
  const local = chosen?.environment === "simulator";
  const headerCheck = useHeaderCheck(headers);
  const headersBad = headerCheck.bad;


  function show(v: WebhookView) {
    setView(v);
    setUrl(v.url ?? "");
    setHeaders(
      Object.entries(v.headers)
        .filter(([k]) => k !== SECRET_HEADER)
        .map(([name, value]) => ({ name, value })),
    );
    setSecret(v.has_secret);
  }

  useEffect(() => {
    if (numberId === null) return;
    let live = true;
    setLoading(true);
    setError(null);
    setSaved(false);
    setTest(null);
    getWebhook(numberId)
      .then((v) => live && show(v))
      .catch((e) => {
        if (!live) return;
        setError(toIpcError(e));
        setView(null);
        void refresh(); // a 401 marks the key superseded
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [numberId, refresh]);

  async function save(ev: FormEvent) {
    ev.preventDefault();
    if (numberId === null) return;
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      const hs = Object.fromEntries(headers.filter((h) => h.name.trim()).map((h) => [h.name.trim(), h.value]));
      show(await setWebhook(numberId, { url, headers: hs, secret }));
      setSaved(true);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setSaving(false);
    }
  }

  /** One click: the receiver runs (started if needed) and the webhook points at it. */
  async function pointAtInbox(confirmed = false) {
    if (numberId === null) return;
    if (!confirmed && onRelay) {
      setConfirmLeaveRelay(true);
      return;
    }
    setConfirmLeaveRelay(false);
    setPointing(true);
    setError(null);
    setSaved(false);
    setTest(null);
    try {
      show(await pointWebhookAtInbox(numberId, INBOX_LISTEN));
      setSaved(true);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setPointing(false);
    }
  }

  async function runTest() {
    if (numberId === null) return;
    setTesting(true);
    setTest(null);
    try {
      setTest(await testWebhookEndpoint(numberId, url, testKind));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setTesting(false);
    }
  }

  const onRelay = relayUrl !== null && view?.url === relayUrl;
  return (
    <Page id="webhook" title="Webhook" lead="Where 360dialog sends incoming messages and delivery statuses for each number.">
      {numbers !== null && withKey.length === 0 ? (
        <EmptyState title="No number to configure" icon="⇄">
          <p>
            Add a number with its API key first. Then you can read and change its webhook URL and
            headers, and test an endpoint before 360dialog relies on it.
          </p>
          <p className="hint">
            360dialog requires HTTPS, no underscore in the host name and no port; WABA Desk checks
            these before saving.
          </p>
        </EmptyState>
      ) : (
        <>
          <div className="toolbar">
            <NumberPicker id="webhook-number" numbers={numbers ?? []} value={numberId} onChange={setNumberId} />
            {view && (
              <span className="hint">
                Read from 360dialog <When at={view.checked_at} />
              </span>
            )}
          </div>
          {loading && <p aria-busy="true">Reading the webhook from 360dialog…</p>}
          {error && <ErrorBanner error={error} />}
          {view?.changed_outside && (
            <div className="warning-banner" role="status" id="webhook-changed-outside">
              <strong>Changed outside WABA Desk.</strong> It was{" "}
              <span className="mono">{view.changed_outside.previous ?? "(none)"}</span>, 360dialog now has{" "}
              <span className="mono">{view.changed_outside.current ?? "(none)"}</span>.{" "}
              <button type="button" onClick={() => numberId !== null && acceptWebhook(numberId).then(show, (e) => setError(toIpcError(e)))}>
                Keep the new URL
              </button>
            </div>
          )}
          {view && (
            <form className="card form" onSubmit={save} aria-label="Webhook settings">
              <h2>Webhook URL</h2>
              <p className="hint">
                Current at 360dialog: <span className="mono" id="webhook-current-url">{view.url ?? "(none)"}</span>
                {onRelay && (
                  <span id="webhook-on-relay">
                    {" "}
                    — the team relay: every colleague's desktop gets this number's events from there.
                  </span>
                )}
              </p>
              <label className="field field--wide">
                <span>Main webhook URL</span>
                <input
                  id="webhook-url"
                  value={url}
                  onChange={(e) => {
                    setUrl(e.target.value);
                    setSaved(false);
                    setTest(null); // a result for the previous URL says nothing about this one
                  }}
                  placeholder="https://hooks.example.com/whatsapp"
                  aria-invalid={reason ? true : undefined}
                  aria-describedby="webhook-url-reason"
                  spellCheck={false}
                  autoComplete="off"
                />
              </label>
              <p id="webhook-url-reason" className={reason ? "field-error" : "hint"} role={reason ? "alert" : undefined}>
                {reason ??
                  (local
                    ? "A simulator number may also use http:// on this computer with a port, such as this app's inbox."
                    : "HTTPS, no '_' in the host, no port. Underscores in the path are fine.")}
              </p>
              <p>
                <button type="button" id="webhook-point-inbox" onClick={() => void pointAtInbox()} disabled={!local || pointing || saving || confirmLeaveRelay}>
                  {pointing ? "Pointing at the inbox…" : "Point this number's webhook at this app's inbox"}
                </button>{" "}
                <span className="hint">
                  {local
                    ? "Starts the inbox receiver if it is not running, and saves its URL as this number's webhook."
                    : "360dialog cannot reach this computer: this works for simulator numbers only."}
                </span>
              </p>
              {confirmLeaveRelay && (
                <div className="warning-banner" role="alertdialog" aria-label="Take this number off the team relay?" id="webhook-leave-relay">
                  <p>
                    This number's webhook goes to the team relay now. Pointing it at this app's inbox takes it off the relay: your
                    colleagues' desktops stop receiving its messages and statuses until someone points it back.
                  </p>
                  <div className="form__actions">
                    <button type="button" id="webhook-keep-relay" autoFocus onClick={() => setConfirmLeaveRelay(false)}>
                      Keep it on the relay
                    </button>
                    <button type="button" className="danger" id="webhook-leave-relay-confirm" onClick={() => void pointAtInbox(true)}>
                      Point it at this app's inbox
                    </button>
                  </div>
                </div>
              )}
              {numberId !== null && (
                <RelayPoint
                  numberId={numberId}
                  onPointed={() => void getWebhook(numberId).then(show, (e) => setError(toIpcError(e)))}
                />
              )}
              {view.shared_with.length > 0 && (
                <p className="warning-banner" id="webhook-shared">
                  The same URL is set for {view.shared_with.join(", ")}. 360dialog expects one URL per
                  number; make sure your endpoint tells them apart.
                </p>
              )}
              <fieldset className="headers">
                <legend>Headers 360dialog sends with each webhook</legend>
                <HeaderRows rows={headers} onChange={setHeaders} check={headerCheck} idPrefix="webhook-header" />
                <label className="checkbox">
                  <input id="webhook-secret" type="checkbox" checked={secret} onChange={(e) => setSecret(e.target.checked)} />
                  Add a shared secret header ({SECRET_HEADER}), kept in the OS keyring, that WABA Desk's
                  inbox checks
                </label>
              </fieldset>
              <div className="form__actions">
                <button type="submit" id="webhook-save" className="primary" disabled={saving || !!reason || !url || headersBad}>
                  {saving ? "Saving…" : "Save at 360dialog"}
                </button>
              </div>
              {saved && (
                <p className="notice" role="status" id="webhook-saved">
                  Saved. 360dialog now has <span className="mono">{view.url}</span>.
                </p>
              )}
            </form>
          )}
          {view && (
            <section className="card" aria-labelledby="test-title">
              <h2 id="test-title">Test the endpoint</h2>
              <p className="hint">
                Sends a synthetic event to the URL above with the configured headers, as 360dialog
                would, and checks for a 200 within 5 seconds.
              </p>
              <div className="toolbar">
                <label className="field">
                  <span>Event</span>
                  <select id="test-kind" value={testKind} onChange={(e) => setTestKind(e.target.value as TestEventKind)}>
                    <option value="status">Delivery status</option>
                    <option value="message">Incoming message</option>
                  </select>
                </label>
                <button type="button" id="webhook-test" onClick={runTest} disabled={testing || !url}>
                  {testing ? "Sending…" : "Send test event"}
                </button>
              </div>
              {test && (
                <p id="webhook-test-result" className={test.ok && test.within_limit ? "notice" : "warning-banner"} role="status">
                  {test.status !== null ? `HTTP ${test.status}` : `No answer: ${test.error}`} in {test.latency_ms} ms ·{" "}
                  {test.ok ? "answered 200" : "360dialog needs a 200"} ·{" "}
                  {test.within_limit ? "within the 5 s limit" : "over the 5 s limit"}
                </p>
              )}
            </section>
          )}
          {view && numberId !== null && <Destinations numberId={numberId} />}
          {view && view.history.length > 0 && (
            <section className="card" aria-labelledby="wh-history-title">
              <h2 id="wh-history-title">Changes</h2>
              <ol className="timeline">
                {view.history.map((h, i) => (
                  <li key={i}>
                    <When at={h.at} /> · {h.source === "app" ? `set in WABA Desk (${h.actor})` : "seen changed outside WABA Desk"}
                    <p className="hint mono">
                      {h.old_url ?? "(none)"} → {h.new_url ?? "(none)"}
                    </p>
                  </li>
                ))}
              </ol>
            </section>
          )}
        </>
      )}
    </Page>
  );
}
