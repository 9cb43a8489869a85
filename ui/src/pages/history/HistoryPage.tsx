import { formatCount } from "../../lib/count";
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
import { newestWindow, oldestWindow, refreshed, updated, withNewer, withOlder, type RowWindow } from "./historyWindow";

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
  // The rows held: a bounded window of the filtered list (see historyWindow.ts).
  const [win, setWinState] = useState<RowWindow<MessageView> | null>(null);
  const winRef = useRef(win);
  const setWin = (next: (w: RowWindow<MessageView> | null) => RowWindow<MessageView> | null) =>
    setWinState((w) => (winRef.current = next(w)));
  const rows = win?.rows ?? null;
  // The row at the top of the view (a refresh keeps it), a jump to the newest or oldest row.
  const viewId = useRef<number | null>(null);
  const [jump, setJump] = useState<{ to: "start" | "end"; token: number }>({ to: "start", token: 0 });
  const paging = useRef(false);
  // Answers for an earlier filter are dropped.
  const filterRef = useRef(filter);
  filterRef.current = filter;
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

  const loads = useRef(0);
  const load = useCallback(async () => {
    const mine = ++loads.current;
    try {
      // The newest page (new messages arrive there) and, when the view is further down, the
      // rows around it (their statuses change too).
      const w = winRef.current;
      const at = w && viewId.current !== null ? w.rows.findIndex((r) => r.id === viewId.current) : -1;
      const from = w && at > PAGE / 2 ? w.rows[Math.max(0, at - 10)].id + 1 : null;
      const [first, c, around] = await Promise.all([
        listMessages(filter),
        historyCounts(filter),
        from === null ? null : listMessages({ ...filter, before_id: from, limit: 60 }),
      ]);
      // A newer read (or filter) wins over this one.
      if (filterRef.current !== filter || mine !== loads.current) return;
      setCounts(c);
      setWin((prev) => {
        const next = prev === null ? newestWindow(first, PAGE) : refreshed(prev, first, PAGE, viewId.current);
        return around ? updated(next, around) : next;
      });
      setError(null);
    } catch (e) {
      setError(toIpcError(e));
    }
  }, [filter]);

  const reload = useCallback(() => {
    setWin(() => null);
    void load();
  }, [load]);
  useEffect(reload, [reload]);
  // Sent messages, their statuses and incoming messages: the newest page is read again.
  useChanges(["messages"], () => void load());

  /** The next page either way from the window's edge (scrolling down: older; up: newer). */
  async function page(way: "older" | "newer") {
    const w = winRef.current;
    if (!w?.rows.length || paging.current || (way === "older" ? w.atOldest : w.atNewest)) return;
    const f = filter;
    const edge = (x: RowWindow<MessageView>) => (way === "older" ? x.rows[x.rows.length - 1]?.id : x.rows[0]?.id);
    const key = edge(w);
    paging.current = true;
    try {
      const rows = await listMessages(way === "older" ? { ...f, before_id: key } : { ...f, before_id: null, after_id: key });
      if (filterRef.current !== f) return;
      setWin((x) => (x && edge(x) === key ? (way === "older" ? withOlder(x, rows, PAGE) : withNewer(x, rows, PAGE)) : x));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      paging.current = false;
    }
  }

  /** Home / End and the buttons: the newest or the oldest message, wherever the window is. */
  async function jumpTo(to: "start" | "end") {
    const w = winRef.current;
    const f = filter;
    try {
      if (w && !(to === "start" ? w.atNewest : w.atOldest)) {
        const rows = await listMessages(to === "start" ? f : { ...f, before_id: null, after_id: 0 });
        if (filterRef.current !== f) return;
        setWin(() => (to === "start" ? newestWindow(rows, PAGE) : oldestWindow(rows, PAGE)));
      }
      setJump((j) => ({ to, token: j.token + 1 }));
    } catch (e) {
      setError(toIpcError(e));
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
  // The counts ignore the status filter: with one, its own count is the total.
  const total = filter.status ? (counts.find(([s]) => s === filter.status)?.[1] ?? 0) : counts.reduce((n, [, c]) => n + c, 0);

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
          Exporting… {formatCount(exporting)} messages written
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
        <HistoryTable
          rows={rows}
          total={total}
          atNewest={win?.atNewest ?? true}
          atOldest={win?.atOldest ?? true}
          numberLabel={label}
          onOpen={openRow}
          onNearEnd={() => void page("older")}
          onNearStart={() => void page("newer")}
          onNewest={() => void jumpTo("start")}
          onOldest={() => void jumpTo("end")}
          jump={jump}
          onView={(m) => (viewId.current = m?.id ?? null)}
        />
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
      <Retention onPruned={reload} onError={(e) => setError(toIpcError(e))} />
      {chat && (
        <ConversationView numberId={chat.numberId} contact={chat.contact} onClose={() => setChat(null)} returnFocus={returnFocus} />
      )}
    </Page>
  );
}
