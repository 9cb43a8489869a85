import { type ChangeEvent, useCallback, useEffect, useState } from "react";
import { When } from "../../lib/components/Badges";
import { EmptyState } from "../../lib/components/EmptyState";
import { Drawer } from "../../lib/components/Drawer";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { NumberPicker } from "../../lib/components/NumberPicker";
import { Page } from "../../lib/components/Page";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { InboxEventView } from "../../lib/ipc/bindings/InboxEventView";
import type { InboxFilter } from "../../lib/ipc/bindings/InboxFilter";
import type { InboxStatus } from "../../lib/ipc/bindings/InboxStatus";
import type { Rejection } from "../../lib/ipc/bindings/Rejection";
import {
  importInbox,
  inboxEvent,
  inboxRejections,
  inboxStart,
  inboxStatus,
  inboxStop,
  listInbox,
  replayInboxEvent,
} from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useNumbers } from "../../lib/numbers";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { useChanges } from "../../lib/hooks/useLoad";
import { inboxSourceLabel } from "../../lib/vocabulary";

const STATE_CLASS: Record<string, string> = {
  applied: "ok",
  pending: "warn",
  unknown_number: "warn",
  malformed: "bad",
  unsupported: "bad",
};

/** The kind the core adds to an event sent by "Send test event" (never applied to History). */
const TEST_KIND = "test";
/** Webhook fields other than messages, as the inbox lists them (the kind is the field name). */
const FIELD_LABEL: Record<string, string> = {
  message_template_status_update: "Template status",
  message_template_quality_update: "Template quality",
  template_category_update: "Template category",
  account_update: "Account update",
  user_preferences: "User preferences",
  flows: "Flows",
  group_status_update: "Group update",
};
const kindsOf = (e: InboxEventView) => (e.kinds ? e.kinds.split(",") : []);
const isTest = (e: InboxEventView) => kindsOf(e).includes(TEST_KIND);

/** Copies the receiver's URL to the clipboard, and says so. */
function CopyUrl({ url }: { url: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  useEffect(() => setCopied(null), [url]);
  return (
    <>
      <button
        type="button"
        id="inbox-copy-url"
        onClick={() =>
          navigator.clipboard.writeText(url).then(
            () => setCopied("yes"),
            () => setCopied("no"),
          )
        }
      >
        Copy
      </button>
      {copied && (
        <span role="status" className="hint">
          {copied === "yes" ? "Copied" : "Could not copy: select the URL and copy it"}
        </span>
      )}
    </>
  );
}

export function InboxPage() {
  const { numbers } = useNumbers();
  const [status, setStatus] = useState<InboxStatus | null>(null);
  const [listen, setListen] = useState("127.0.0.1:8377");
  const [numberId, setNumberId] = useChosenNumber({ canShowAll: true });
  const [filter, setFilter] = useState<InboxFilter>({ number_id: numberId, kind: null, state: null, before_id: null, limit: 200 });
  useEffect(() => setFilter((f) => (f.number_id === numberId ? f : { ...f, number_id: numberId })), [numberId]);
  const [events, setEvents] = useState<InboxEventView[] | null>(null);
  const [open, setOpen] = useState<InboxEventView | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [rejections, setRejections] = useState<Rejection[]>([]);

  const load = useCallback(async () => {
    try {
      const [list, refused] = await Promise.all([listInbox(filter), inboxRejections()]);
      setEvents(list);
      setRejections(refused);
    } catch (e) {
      setError(toIpcError(e));
    }
  }, [filter]);

  const readStatus = useCallback(() => {
    inboxStatus().then(
      (s) => {
        setStatus(s);
        const addr = s.url?.match(/^http:\/\/([^/]+)/)?.[1];
        if (addr) setListen(addr);
      },
      (e) => setError(toIpcError(e)),
    );
  }, []);
  useEffect(readStatus, [readStatus]);
  useEffect(() => {
    void load();
  }, [load]);
  // New events appear without a reload: the core reports each stored event and each start or
  // stop of the receiver.
  useChanges(["inbox"], () => {
    void load();
    readStatus();
  });

  async function toggle() {
    setError(null);
    try {
      setStatus(status?.running ? await inboxStop() : await inboxStart(listen));
    } catch (e) {
      setError(toIpcError(e));
    }
  }

  async function onImport(ev: ChangeEvent<HTMLInputElement>) {
    const file = ev.target.files?.[0];
    ev.target.value = "";
    if (!file) return;
    setError(null);
    try {
      const r = await importInbox(await file.text());
      setNotice(`${file.name}: ${r.total} events, ${r.new} new, ${r.duplicates} already known.`);
      await load();
    } catch (e) {
      setError(toIpcError(e));
    }
  }

  const numberLabel = (id: number | null) => numbers?.find((n) => n.id === id)?.label;
  const set = (patch: Partial<InboxFilter>) => setFilter((f) => ({ ...f, ...patch }));

  return (
    <Page id="inbox" title="Inbox" lead="A local webhook receiver that captures events into History.">
      <section className="card" aria-labelledby="receiver-title">
        <h2 id="receiver-title">Receiver</h2>
        <div className="toolbar">
          <label className="field">
            <span>Listen on</span>
            <input id="inbox-listen" value={listen} onChange={(e) => setListen(e.target.value)} disabled={status?.running} />
          </label>
          <button type="button" id="inbox-toggle" className={status?.running ? "" : "primary"} onClick={toggle}>
            {status?.running ? "Stop receiver" : "Start receiver"}
          </button>
          <span id="inbox-state" role="status" className={status?.running ? "badge badge--ok" : "badge badge--key-none"}>
            {status?.running ? `listening on ${status.url}` : "stopped"}
          </span>
        </div>
        {status?.running && status.unauthenticated && (
          <p className="warning-banner" role="alert" id="inbox-unauthenticated">
            The receiver runs without a shared secret: anything that reaches it (a tunnel to it,
            too) can post fake events. Set the webhook with a shared secret on the Webhook page; the
            receiver checks it from then on.
          </p>
        )}
        {status?.running && status.url && (
          <p id="inbox-url">
            Webhook URL: <code className="mono">{status.url}</code> <CopyUrl url={status.url} />
          </p>
        )}
        <p className="hint">
          The receiver stores each event before answering 200 and ignores retried duplicates.
          360dialog needs an https URL without a port: expose this address through a tunnel or a
          reverse proxy (see the README), or add it as an extra destination to capture a copy.
        </p>
        <label className="field">
          <span>Import captured payloads (a webhook body as shown in the docs, a JSON array, JSON lines or bodies one after another; up to 64 MiB)</span>
          <input type="file" id="inbox-import" accept=".json,.jsonl,.ndjson,.txt,application/json" onChange={onImport} />
        </label>
      </section>

      {error && <ErrorBanner error={error} />}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}

      <form className="filters" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        <NumberPicker id="inbox-number" numbers={numbers ?? []} value={numberId} onChange={setNumberId} allowAll />
        <label className="field">
          <span>Type</span>
          <select id="inbox-kind" value={filter.kind ?? ""} onChange={(e) => set({ kind: e.target.value || null })}>
            <option value="">All types</option>
            <option value="status">Statuses</option>
            <option value="message">Incoming messages</option>
            <option value="error">Errors</option>
            <option value="test">Test events</option>
            {Object.entries(FIELD_LABEL).map(([field, label]) => (
              <option key={field} value={field}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </form>

      {rejections.length > 0 && (
        <details className="card" id="inbox-rejections">
          <summary>
            {rejections.length} request{rejections.length > 1 ? "s" : ""} refused (missing or wrong shared secret, or partner signature)
          </summary>
          <ul className="timeline">
            {rejections.map((r) => (
              <li key={r.id}>
                <When at={r.received_at} /> · {r.reason} · {r.bytes} bytes
              </li>
            ))}
          </ul>
        </details>
      )}
      {events?.length === 0 && (
        <EmptyState title="The inbox has captured nothing yet" icon="⬇">
          <p>
            Start the receiver and point a webhook at it, or import payloads captured elsewhere.
            Neither Meta nor 360dialog keeps a history you can look up later: what is captured here
            is what History can show.
          </p>
        </EmptyState>
      )}
      {events && events.length > 0 && (
        <table className="table" id="inbox-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Received</th>
              <th scope="col">Number</th>
              <th scope="col">Contains</th>
              <th scope="col">State</th>
              <th scope="col">Retries</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} data-event-id={e.id} data-state={e.state} aria-selected={open?.id === e.id}>
                <td>
                  <button type="button" className="link" onClick={() => inboxEvent(e.id).then(setOpen, (x) => setError(toIpcError(x)))}>
                    {e.id}
                  </button>
                </td>
                <td>
                  <When at={e.received_at} />
                </td>
                <td>{numberLabel(e.number_id) ?? <span className="muted mono">{e.phone_number_id ?? "unknown"}</span>}</td>
                <td>{kindsOf(e).filter((k) => k !== TEST_KIND).map((k) => FIELD_LABEL[k] ?? k).join(", ") || "—"}</td>
                <td>
                  {isTest(e) ? (
                    <span className="badge badge--test" title="Sent by “Send test event”: kept here, never applied to History">
                      test
                    </span>
                  ) : (
                    <span className={`badge badge--${STATE_CLASS[e.state] ?? "warn"}`}>{e.state.replace("_", " ")}</span>
                  )}
                </td>
                <td>{e.duplicates > 0 ? e.duplicates : ""}</td>
                <td className="hint">{e.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {open && (
        <Drawer
          id="event-drawer"
          labelledBy="event-title"
          onClose={() => setOpen(null)}
          returnFocus={() => document.querySelector<HTMLElement>(`#inbox-table tr[data-event-id="${open.id}"] button`)}
        >
          <header className="drawer__header">
            <h2 id="event-title">Event {open.id}</h2>
            <button type="button" className="icon-button" onClick={() => setOpen(null)} aria-label="Close event">
              ✕
            </button>
          </header>
          <p className="hint">
            {inboxSourceLabel(open.source)} · <When at={open.received_at} /> · {open.bytes} bytes · {open.state}
          </p>
          {isTest(open) && (
            <p className="notice">A test event from “Send test event”: shown here, never applied to History.</p>
          )}
          <button
            type="button"
            hidden={isTest(open)}
            onClick={() =>
              replayInboxEvent(open.id).then(
                (ev) => {
                  setOpen(ev);
                  setNotice(`Event ${ev.id} applied to history again (${ev.state}).`);
                  void load();
                },
                (x) => setError(toIpcError(x)),
              )
            }
          >
            Replay into history
          </button>
          <pre className="raw-json" tabIndex={0} aria-label="Raw event">
            {prettyJson(open.body ?? "")}
          </pre>
        </Drawer>
      )}
    </Page>
  );
}

function prettyJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
