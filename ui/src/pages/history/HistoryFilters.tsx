import { formatCount } from "../../lib/count";
import { NumberPicker } from "../../lib/components/NumberPicker";
import type { ExportFormat } from "../../lib/ipc/bindings/ExportFormat";
import type { HistoryFilter } from "../../lib/ipc/bindings/HistoryFilter";
import type { NumberView } from "../../lib/ipc/bindings/NumberView";
import { STATUS_CLASS, STATUSES } from "./status";
import { DIRECTIONS, parseDirection, parseStatus } from "../../lib/vocabulary";

/** Search, number, direction and status filters, the export buttons and the per-status counts. */
export function HistoryFilters(props: {
  numbers: NumberView[];
  numberId: number | null;
  onNumber: (id: number | null) => void;
  search: string;
  onSearch: (text: string) => void;
  filter: HistoryFilter;
  onFilter: (patch: Partial<HistoryFilter>) => void;
  counts: [string, number][];
  canExport: boolean;
  onExport: (format: ExportFormat) => void;
}) {
  const { filter, onFilter } = props;
  return (
    <>
      <form className="filters" aria-label="Filter messages" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Search</span>
          <input id="history-search" type="search" value={props.search} onChange={(e) => props.onSearch(e.target.value)} placeholder="text, template, contact" />
        </label>
        <NumberPicker id="history-number" numbers={props.numbers} value={props.numberId} onChange={props.onNumber} allowAll />
        <label className="field">
          <span>Direction</span>
          <select id="history-direction" value={filter.direction ?? ""} onChange={(e) => onFilter({ direction: parseDirection(e.target.value) })}>
            <option value="">Both</option>
            {DIRECTIONS.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Status</span>
          <select id="history-status" value={filter.status ?? ""} onChange={(e) => onFilter({ status: parseStatus(e.target.value) })}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </label>
        <div className="form__actions">
          <button type="button" id="history-export-csv" onClick={() => props.onExport("csv")} disabled={!props.canExport}>
            Export CSV
          </button>
          <button type="button" id="history-export-jsonl" onClick={() => props.onExport("jsonl")} disabled={!props.canExport}>
            Export JSON lines
          </button>
        </div>
      </form>
      {props.counts.length > 0 && (
        <p className="counts" id="history-counts" aria-label="Messages per status">
          {props.counts.map(([status, n]) => (
            <button
              type="button"
              key={status}
              className={`badge badge--${STATUS_CLASS[status] ?? "key-none"}`}
              aria-pressed={filter.status === status}
              onClick={() => onFilter({ status: filter.status === status ? null : parseStatus(status) })}
            >
              {status} {formatCount(n)}
            </button>
          ))}
        </p>
      )}
    </>
  );
}
