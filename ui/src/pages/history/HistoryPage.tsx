import { dateTime } from "../../lib/time";
import { useCallback, useEffect, useRef, useState } from "react";
import { EmptyState } from "../../lib/components/EmptyState";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { Page } from "../../lib/components/Page";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { useChanges } from "../../lib/hooks/useLoad";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { ExportFormat } from "../../lib/ipc/bindings/ExportFormat";
import type { HistoryFilter } from "../../lib/ipc/bindings/HistoryFilter";
import type { MessageDetail } from "../../lib/ipc/bindings/MessageDetail";
import type { MessageView } from "../../lib/ipc/bindings/MessageView";
import { exportHistory, historyCounts, listMessages, messageDetail, resendMessage } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useNumbers } from "../../lib/numbers";
import { linkFromHash } from "../../lib/historyLink";
import { ConversationView } from "./ConversationView";
import { HistoryFilters } from "./HistoryFilters";
import { HistoryTable } from "./HistoryTable";
import { retryText } from "../../lib/retrying";
import { MessageDrawer } from "./MessageDrawer";
import { useRouteParams } from "../../lib/hooks/useRouteParams";
import { Retention } from "./Retention";

const PAGE = 100;
const EMPTY: HistoryFilter = {
  number_id: null, direction: null, status: null, contact: null, template: null,
  language: null, error_code: null, since: null, until: null, search: null, before_id: null, after_id: null, limit: PAGE,
};

/** What names a message for `message_detail` and `resend_message`: its wamid, or the
 * reference of a send attempt that has none yet (its answer was lost). */
export function messageKey(m: MessageView): string | null {
  return m.wamid ?? m.attempt_ref ?? null;
}

/** The row (its time button) of a message, found again after the table re-rendered. */
function rowButton(key: string): HTMLElement | null {
  const row = Array.from(document.querySelectorAll("#history-table [data-wamid]")).find(
    (r) => r.getAttribute("data-wamid") === key,
  );
  return row?.querySelector<HTMLElement>("button") ?? null;
}

export function HistoryPage() {
  const { numbers } = useNumbers();
  const [numberId, setNumberId] = useChosenNumber({ canShowAll: true });
  // A link from another page (Insights) carries a filter in the address.
  const [link] = useState(() => linkFromHash(location.hash));
  const [filter, setFilter] = useState<HistoryFilter>({ ...EMPTY, number_id: numberId, ...link });
  useEffect(() => {
    if (link && "number_id" in link && link.number_id !== numberId) setNumberId(link.number_id ?? null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
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
  const [resending, setResending] = useState(false);
  const [retrying, setRetrying] = useState<string | null>(null);
  // What opened the drawer, to give focus back to it: the row, or the table when opened by keyboard.
  const opener = useRef<{ wamid: string; fromTable: boolean } | null>(null);
  // A wabadesk://message/<wamid> link opens that message.
  const linkedWamid = useRouteParams().get("wamid");
  useEffect(() => {
    if (!linkedWamid) return;
    messageDetail(linkedWamid).then(setOpen, (e) => setError(toIpcError(e)));
  }, [linkedWamid]);

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

  async function show(m: MessageView, keepNotice = false) {
    const key = messageKey(m);
    if (!key) return;
    if (!keepNotice) setResent(null);
    try {
      setOpen(await messageDetail(key));
    } catch (e) {
      setError(toIpcError(e));
    }
  }

  function openRow(m: MessageView) {
    const key = messageKey(m);
    if (!key) return;
    const fromTable = document.activeElement?.classList.contains("vtable__body") ?? false;
    opener.current = { wamid: key, fromTable };
    void show(m);
  }

  const returnFocus = () => {
    const o = opener.current;
    if (!o) return null;
    return o.fromTable ? document.querySelector<HTMLElement>("#history-table .vtable__body") : rowButton(o.wamid);
  };

  // Keep an open message's timeline current (an attempt is followed by its id: it gets its
  // wamid from its first status).
  useEffect(() => {
    if (!open) return;
    const current = rows?.find((r) => r.id === open.message.id);
    if (current && (current.status !== open.message.status || current.wamid !== open.message.wamid)) void show(current, true);
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
  const numberName = (id: number | null) => {
    const n = numbers?.find((x) => x.id === id);
    return n ? `${n.label} (${n.phone}, ${n.environment})` : "an unknown number";
  };
  const linked = !!(filter.template || filter.language || filter.error_code != null || filter.since || filter.until);
  const filtered = !!(filter.search || filter.status || filter.direction || filter.number_id || linked);

  return (
    <Page id="history" title="History" lead="Every message sent and every webhook event received, with its status.">
      <HistoryFilters
        numbers={numbers ?? []}
        numberId={numberId}
        onNumber={setNumberId}
        search={search}
        onSearch={setSearch}
        filter={filter}
        onFilter={set}
        counts={counts}
        canExport={exporting === null && !!rows?.length}
        onExport={(f) => void runExport(f)}
      />
      {linked && (
        <p className="notice" role="status" id="history-linked">
          Also filtered by{" "}
          {[
            filter.template && `template ${filter.template}`,
            filter.language && `language ${filter.language}`,
            filter.error_code != null && `error ${filter.error_code}`,
            filter.since && `from ${dateTime(filter.since)}`,
            filter.until && `until ${dateTime(filter.until)}`,
          ]
            .filter(Boolean)
            .join(", ")}{" "}
          <button type="button" id="history-linked-clear" onClick={() => set({ template: null, language: null, error_code: null, since: null, until: null })}>
            Clear these filters
          </button>
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
      {rows?.length === 0 && !filtered && (
        <EmptyState title="No messages recorded" icon="◷">
          <p>
            Neither Meta nor 360dialog keeps a message history you can look up. WABA Desk records what
            it sends and what its inbox receives, so this list starts with your first send or your
            first captured webhook event.
          </p>
        </EmptyState>
      )}
      {rows?.length === 0 && filtered && (
        <p className="hint" id="history-none">No message matches these filters.</p>
      )}
      {rows && rows.length > 0 && (
        <HistoryTable rows={rows} more={more} numberLabel={label} onOpen={openRow} onNearEnd={() => more && void older()} />
      )}
      {open && (
        <MessageDrawer
          detail={open}
          resent={resent}
          numberName={numberName(open.message.number_id)}
          resending={resending}
          retrying={retrying}
          onCheckStatus={() => void show(open.message, true)}
          onClose={() => setOpen(null)}
          returnFocus={returnFocus}
          onConversation={() => {
            setChat({ numberId: open.message.number_id, contact: open.message.contact });
            setOpen(null);
          }}
          onResend={() => {
            const key = messageKey(open.message);
            if (!key) return;
            setResending(true);
            setRetrying(null);
            resendMessage(key, (p) => setRetrying(retryText(p)))
              .then(
                (r) => {
                  setResent(r.messages[0]?.id ?? null);
                  void load();
                },
                (e) => setError(toIpcError(e)),
              )
              .finally(() => {
                setResending(false);
                setRetrying(null);
              });
          }}
        />
      )}
      <Retention onPruned={() => void load()} onError={(e) => setError(toIpcError(e))} />
      {chat && (
        <ConversationView numberId={chat.numberId} contact={chat.contact} onClose={() => setChat(null)} returnFocus={returnFocus} />
      )}
    </Page>
  );
}
