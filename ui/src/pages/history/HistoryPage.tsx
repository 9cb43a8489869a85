import { useCallback, useEffect, useState } from "react";
import { When } from "../../lib/components/Badges";
import { EmptyState } from "../../lib/components/EmptyState";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { NumberPicker } from "../../lib/components/NumberPicker";
import { Page } from "../../lib/components/Page";
import { VirtualRows } from "../../lib/components/VirtualRows";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { HistoryFilter } from "../../lib/ipc/bindings/HistoryFilter";
import type { MessageDetail } from "../../lib/ipc/bindings/MessageDetail";
import type { MessageView } from "../../lib/ipc/bindings/MessageView";
import type { ExportFormat } from "../../lib/ipc/bindings/ExportFormat";
import {
  exportHistory,
  historyCounts,
  listMessages,
  messageDetail,
  pruneHistory,
  resendMessage,
} from "../../lib/ipc/commands";
import { ConversationView } from "./ConversationView";
import { toIpcError } from "../../lib/ipc/errors";
import { useNumbers } from "../../lib/numbers";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { useChanges } from "../../lib/hooks/useLoad";

const PAGE = 100;
const STATUSES = ["accepted", "sent", "delivered", "read", "played", "failed", "received"];
const EMPTY: HistoryFilter = {
  number_id: null, direction: null, status: null, contact: null, template: null,
  since: null, until: null, search: null, before_id: null, limit: PAGE,
};

const STATUS_CLASS: Record<string, string> = { read: "ok", delivered: "ok", played: "ok", failed: "bad", sent: "warn" };

export function HistoryPage() {
  const { numbers } = useNumbers();
  const [numberId, setNumberId] = useChosenNumber({ canShowAll: true });
  const [filter, setFilter] = useState<HistoryFilter>({ ...EMPTY, number_id: numberId });
  // The chosen number is shared with the other pages (and arrives once the numbers are read).
  useEffect(() => setFilter((f) => (f.number_id === numberId ? f : { ...f, number_id: numberId })), [numberId]);
  const [search, setSearch] = useState("");
  const [rows, setRows] = useState<MessageView[] | null>(null);
  const [more, setMore] = useState(false);
  const [open, setOpen] = useState<MessageDetail | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [counts, setCounts] = useState<[string, number][]>([]);
  const [exporting, setExporting] = useState<number | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [chat, setChat] = useState<{ numberId: number | null; contact: string } | null>(null);
  const [resent, setResent] = useState<string | null>(null);
  const [keepDays, setKeepDays] = useState(90);
  const [pruneCount, setPruneCount] = useState<number | null>(null);

  // The search box applies as you type, a moment after the last key.
  useEffect(() => {
    const next = search.trim() || null;
    const t = setTimeout(() => setFilter((f) => (f.search === next ? f : { ...f, search: next })), 200);
    return () => clearTimeout(t);
  }, [search]);

  const load = useCallback(async () => {
    try {
      const [first, c] = await Promise.all([listMessages(filter), historyCounts(filter)]);
      setCounts(c);
      setRows((prev) => {
        // Keep older pages the user loaded; refresh the newest one.
        const older = (prev ?? []).filter((r) => first.length === PAGE && r.id < first[first.length - 1].id);
        return [...first, ...older];
      });
      setMore(first.length === PAGE);
      setError(null);
    } catch (e) {
      setError(toIpcError(e));
    }
  }, [filter]);

  useEffect(() => {
    setRows(null);
    void load();
  }, [load]);
  // Sent messages, their statuses and incoming messages: the newest page is read again.
  useChanges(["messages"], () => void load());

  const [loadingOlder, setLoadingOlder] = useState(false);
  async function older() {
    if (!rows?.length || loadingOlder) return;
    setLoadingOlder(true);
    try {
      const page = await listMessages({ ...filter, before_id: rows[rows.length - 1].id });
      setRows((r) => [...(r ?? []), ...page.filter((m) => !r?.some((x) => x.id === m.id))]);
      setMore(page.length === PAGE);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setLoadingOlder(false);
    }
  }

  async function show(m: MessageView) {
    if (!m.wamid) return;
    setResent(null);
    try {
      setOpen(await messageDetail(m.wamid));
    } catch (e) {
      setError(toIpcError(e));
    }
  }

  // Keep an open message's timeline current.
  useEffect(() => {
    if (!open?.message.wamid) return;
    const current = rows?.find((r) => r.wamid === open.message.wamid);
    if (current && current.status !== open.message.status) void show(current);
  }, [rows, open]);

  async function runExport(format: ExportFormat) {
    setExporting(0);
    setExported(null);
    try {
      setExported(await exportHistory({ ...filter, before_id: null }, format, setExporting));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setExporting(null);
    }
  }

  const set = (patch: Partial<HistoryFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const label = (id: number | null) => numbers?.find((n) => n.id === id)?.label ?? "—";

  return (
    <Page id="history" title="History" lead="Every message sent and every webhook event received, with its status.">
      <form className="filters" aria-label="Filter messages" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Search</span>
          <input id="history-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="text, template, contact" />
        </label>
        <NumberPicker id="history-number" numbers={numbers ?? []} value={numberId} onChange={setNumberId} allowAll />
        <label className="field">
          <span>Direction</span>
          <select id="history-direction" value={filter.direction ?? ""} onChange={(e) => set({ direction: e.target.value || null })}>
            <option value="">Both</option>
            <option value="out">Sent</option>
            <option value="in">Received</option>
          </select>
        </label>
        <label className="field">
          <span>Status</span>
          <select id="history-status" value={filter.status ?? ""} onChange={(e) => set({ status: e.target.value || null })}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <div className="form__actions">
          <button type="button" id="history-export-csv" onClick={() => void runExport("csv")} disabled={exporting !== null || !rows?.length}>
            Export CSV
          </button>
          <button type="button" id="history-export-jsonl" onClick={() => void runExport("jsonl")} disabled={exporting !== null || !rows?.length}>
            Export JSON lines
          </button>
        </div>
      </form>
      {counts.length > 0 && (
        <p className="counts" id="history-counts" aria-label="Messages per status">
          {counts.map(([status, n]) => (
            <button
              type="button"
              key={status}
              className={`badge badge--${STATUS_CLASS[status] ?? "key-none"}`}
              aria-pressed={filter.status === status}
              onClick={() => set({ status: filter.status === status ? null : status })}
            >
              {status} {n.toLocaleString()}
            </button>
          ))}
        </p>
      )}
      {exporting !== null && (
        <p role="status" className="hint">
          Exporting… {exporting.toLocaleString()} messages written
        </p>
      )}
      {exported && (
        <p className="notice" role="status" id="history-exported">
          Saved to <span className="mono" id="history-export-path">{exported}</span>
        </p>
      )}
      {error && <ErrorBanner error={error} />}
      {rows?.length === 0 && !filter.search && !filter.status && !filter.direction && !filter.number_id && (
        <EmptyState title="No messages recorded" icon="◷">
          <p>
            Neither Meta nor 360dialog keeps a message history you can look up. WABA Desk records what
            it sends and what its inbox receives, so this list starts with your first send or your
            first captured webhook event.
          </p>
        </EmptyState>
      )}
      {rows?.length === 0 && (filter.search || filter.status || filter.direction || filter.number_id) && (
        <p className="hint" id="history-none">No message matches these filters.</p>
      )}
      {rows && rows.length > 0 && (
        <VirtualRows
          id="history-table"
          label="Messages"
          rows={rows}
          rowHeight={40}
          height={Math.max(240, Math.min(rows.length * 40, 560))}
          onNearEnd={() => more && void older()}
          onOpen={(m) => void show(m)}
          rowProps={(m) => ({ "data-wamid": m.wamid ?? "", "data-status": m.status })}
          header={
            <div role="row" className="history-grid vtable__row">
              <span role="columnheader">When</span>
              <span role="columnheader">Number</span>
              <span role="columnheader" aria-label="Direction" />
              <span role="columnheader">Contact</span>
              <span role="columnheader">Message</span>
              <span role="columnheader">Status</span>
            </div>
          }
          render={(m) => (
            <div className="history-grid">
              <span role="cell">
                <button type="button" className="link" onClick={() => void show(m)}>
                  <When at={m.created_at} />
                </button>
              </span>
              <span role="cell">{label(m.number_id)}</span>
              <span role="cell" title={m.direction === "in" ? "received" : "sent"}>
                {m.direction === "in" ? "↙" : "↗"}
              </span>
              <span role="cell" className="ellipsis">
                {m.contact_name && <span>{m.contact_name} </span>}
                <span className="mono">{m.contact}</span>
              </span>
              <span role="cell" className="ellipsis">
                {m.template_name ? <span className="badge badge--key-none">{m.template_name}</span> : null} {m.body}
              </span>
              <span role="cell">
                <span className={`badge badge--${STATUS_CLASS[m.status] ?? "key-none"}`}>{m.status}</span>
                {m.error_code !== null && <span className="hint"> {m.error_code}</span>}
              </span>
            </div>
          )}
        />
      )}
      {rows && rows.length > 0 && (
        <p className="hint">
          {rows.length.toLocaleString()} shown{more ? ", more load as you scroll" : ""}. ↑ ↓ Page Up/Down move,
          Enter opens.
        </p>
      )}
      {open && (
        <aside className="drawer" id="message-drawer" aria-labelledby="message-title">
          <header className="drawer__header">
            <h2 id="message-title">{open.message.direction === "in" ? "Received" : "Sent"} message</h2>
            <button type="button" className="icon-button" onClick={() => setOpen(null)} aria-label="Close message">
              ✕
            </button>
          </header>
          <dl className="facts">
            <dt>Status</dt>
            <dd id="message-status">{open.message.status}</dd>
            <dt>Contact</dt>
            <dd className="mono">{open.message.contact}</dd>
            <dt>wamid</dt>
            <dd className="mono">{open.message.wamid}</dd>
            {open.message.error_code !== null && (
              <>
                <dt>Error</dt>
                <dd>
                  {open.message.error_code} {open.message.error_title} {open.error_details}
                </dd>
              </>
            )}
          </dl>
          <div className="form__actions">
            <button
              type="button"
              id="open-conversation"
              onClick={() => {
                setChat({ numberId: open.message.number_id, contact: open.message.contact });
                setOpen(null);
              }}
            >
              Conversation with this contact
            </button>
            {open.message.direction === "out" && open.request_json && (
              <button
                type="button"
                id="resend"
                onClick={() =>
                  resendMessage(open.message.wamid ?? "").then(
                    (r) => {
                      setResent(r.messages[0]?.id ?? null);
                      void load();
                    },
                    (e) => setError(toIpcError(e)),
                  )
                }
              >
                Resend as test
              </button>
            )}
          </div>
          {resent && (
            <p className="notice" role="status">
              Sent again: <span className="mono">{resent}</span>
            </p>
          )}
          <h3>Timeline</h3>
          <ol className="timeline" id="message-timeline">
            {open.events.map((e, i) => (
              <li key={i} data-status={e.status}>
                <strong>{e.status}</strong> {e.at && <When at={e.at} />}
                {e.error_code !== null && <span className="hint"> error {e.error_code}</span>}
              </li>
            ))}
            {open.events.length === 0 && <li className="hint">No status events captured.</li>}
          </ol>
          {[["Request", open.request_json], ["Answer", open.response_json], ["Webhook event", open.event_json]].map(
            ([title, json]) =>
              json && (
                <details key={title}>
                  <summary>{title} (JSON)</summary>
                  <pre className="raw-json" tabIndex={0}>{JSON.stringify(JSON.parse(json), null, 2)}</pre>
                </details>
              ),
          )}
        </aside>
      )}
      <details className="card" id="retention">
        <summary>Retention</summary>
        <div className="toolbar">
          <label className="field">
            <span>Delete messages older than (days)</span>
            <input
              id="retention-days"
              type="number"
              min={1}
              value={keepDays}
              onChange={(e) => {
                setKeepDays(Math.max(1, Number(e.target.value) || 1));
                setPruneCount(null);
              }}
            />
          </label>
          <button type="button" onClick={() => pruneHistory(keepDays, true).then(setPruneCount, (e) => setError(toIpcError(e)))}>
            Count them
          </button>
          {pruneCount !== null && pruneCount > 0 && (
            <button
              type="button"
              className="danger"
              onClick={() =>
                pruneHistory(keepDays, false).then(
                  () => {
                    setPruneCount(0);
                    void load();
                  },
                  (e) => setError(toIpcError(e)),
                )
              }
            >
              Delete {pruneCount.toLocaleString()} messages
            </button>
          )}
          {pruneCount === 0 && <span className="hint">Nothing older than {keepDays} days.</span>}
        </div>
      </details>
      {chat && <ConversationView numberId={chat.numberId} contact={chat.contact} onClose={() => setChat(null)} />}
    </Page>
  );
}
