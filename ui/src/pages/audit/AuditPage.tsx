import { useEffect, useState } from "react";
import { When } from "../../lib/components/Badges";
import { EmptyState } from "../../lib/components/EmptyState";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { NumberPicker } from "../../lib/components/NumberPicker";
import { Page } from "../../lib/components/Page";
import type { AuditEntry } from "../../lib/ipc/bindings/AuditEntry";
import type { AuditFilter } from "../../lib/ipc/bindings/AuditFilter";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import { exportAuditCsv, listAudit } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useNumbers } from "../../lib/numbers";
import { useLoad } from "../../lib/hooks/useLoad";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { AUDIT_ACTIONS, auditActionLabel, isAuditAction } from "../../lib/vocabulary";


const EMPTY: AuditFilter = { number_id: null, action: null, since: null, until: null, limit: 500 };

/** Dates from the inputs (YYYY-MM-DD) as bounds: `until` is inclusive of its whole day. */
function toFilter(f: AuditFilter): AuditFilter {
  const nextDay = (d: string) => new Date(Date.parse(d) + 86400000).toISOString().slice(0, 10);
  return { ...f, until: f.until ? nextDay(f.until) : null };
}

export function AuditPage() {
  const { numbers } = useNumbers();
  const [numberId, setNumberId] = useChosenNumber({ canShowAll: true });
  const [filter, setFilter] = useState<AuditFilter>({ ...EMPTY, number_id: numberId });
  useEffect(() => setFilter((f) => (f.number_id === numberId ? f : { ...f, number_id: numberId })), [numberId]);
  // Read again when the core records an admin action.
  const loaded = useLoad(() => listAudit(toFilter(filter)), [filter], ["audit"]);
  const rows: AuditEntry[] | null = loaded.data;
  const [actionError, setError] = useState<ErrorPayload | null>(null);
  const error = actionError ?? loaded.error;
  const [exported, setExported] = useState<string | null>(null);

  async function exportCsv() {
    setExported(null);
    try {
      setExported(await exportAuditCsv(toFilter({ ...filter, limit: null })));
    } catch (e) {
      setError(toIpcError(e));
    }
  }

  const set = (patch: Partial<AuditFilter>) => setFilter((f) => ({ ...f, ...patch }));
  return (
    <Page id="audit" title="Audit log" lead="Every admin action: keys, numbers, webhooks, templates, test sends.">
      <form className="filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <NumberPicker id="audit-number" numbers={numbers ?? []} value={numberId} onChange={setNumberId} allowAll />
        <label className="field">
          <span>Action</span>
          <select id="audit-action" value={filter.action ?? ""} onChange={(e) => set({ action: isAuditAction(e.target.value) ? e.target.value : null })}>
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>From</span>
          <input type="date" id="audit-since" value={filter.since ?? ""} onChange={(e) => set({ since: e.target.value || null })} />
        </label>
        <label className="field">
          <span>To</span>
          <input type="date" id="audit-until" value={filter.until ?? ""} onChange={(e) => set({ until: e.target.value || null })} />
        </label>
        <button type="button" id="audit-export" onClick={exportCsv} disabled={!rows?.length}>
          Export CSV
        </button>
      </form>
      {exported && (
        <p className="notice" role="status">
          Saved to <span className="mono">{exported}</span>
        </p>
      )}
      {error && <ErrorBanner error={error} />}
      {rows?.length === 0 && (
        <EmptyState title="Nothing recorded here" icon="☰">
          <p>Admin actions such as adding a number or replacing an API key appear here as they happen.</p>
        </EmptyState>
      )}
      {rows && rows.length > 0 && (
        <table className="table" id="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Number</th>
              <th scope="col">Action</th>
              <th scope="col">By</th>
              <th scope="col">Key fingerprint</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-action={r.action}>
                <td>
                  <When at={r.at} />
                </td>
                <td className="mono">{r.number_phone ?? "—"}</td>
                <td>{auditActionLabel(r.action)}</td>
                <td>{r.actor}</td>
                <td className="mono">
                  {r.old_fingerprint || r.new_fingerprint ? `${r.old_fingerprint ?? "—"} → ${r.new_fingerprint ?? "—"}` : ""}
                </td>
                <td>{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
