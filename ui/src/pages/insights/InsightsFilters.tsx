import type { NumberView } from "../../lib/ipc/bindings/NumberView";

export type Preset = "24h" | "7d" | "30d" | "90d" | "custom";

export interface Period {
  preset: Preset;
  /** Custom dates, `YYYY-MM-DD`; the end day is included. */
  since: string;
  until: string;
}

const PRESETS: { value: Preset; label: string; hours: number }[] = [
  { value: "24h", label: "24 h", hours: 24 },
  { value: "7d", label: "7 days", hours: 7 * 24 },
  { value: "30d", label: "30 days", hours: 30 * 24 },
  { value: "90d", label: "90 days", hours: 90 * 24 },
];

/** The day after `YYYY-MM-DD` (the core's end is exclusive). */
function dayAfter(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The period as the core's `since` / `until` (a preset ends now). */
export function periodFilter(p: Period, now = Date.now()): { since: string | null; until: string | null } {
  const preset = PRESETS.find((x) => x.value === p.preset);
  if (preset) return { since: new Date(now - preset.hours * 3600_000).toISOString(), until: null };
  return { since: p.since || null, until: p.until ? dayAfter(p.until) : null };
}

/** Numbers (any of them; none ticked is all), period, template and language. */
export function InsightsFilters(props: {
  numbers: NumberView[];
  numberIds: number[];
  onNumbers: (ids: number[]) => void;
  period: Period;
  onPeriod: (p: Period) => void;
  template: string;
  onTemplate: (t: string) => void;
  language: string;
  onLanguage: (l: string) => void;
  templates: string[];
  languages: string[];
}) {
  const { period, onPeriod } = props;
  const toggle = (id: number) =>
    props.onNumbers(props.numberIds.includes(id) ? props.numberIds.filter((x) => x !== id) : [...props.numberIds, id]);
  return (
    <form className="filters insights__filters" aria-label="Filter insights" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="insights__numbers">
        <legend>Numbers</legend>
        {props.numbers.length === 0 && <span className="hint">No numbers yet: every message in history counts.</span>}
        {props.numbers.map((n) => (
          <label key={n.id} className="checkbox">
            <input type="checkbox" checked={props.numberIds.includes(n.id)} onChange={() => toggle(n.id)} data-number={n.id} />
            {n.label} <span className="hint">{n.phone}</span>
          </label>
        ))}
        {props.numbers.length > 0 && <span className="hint">{props.numberIds.length ? "" : "None ticked: all numbers."}</span>}
      </fieldset>
      <fieldset className="insights__period">
        <legend>Period</legend>
        <div role="group" aria-label="Presets" className="insights__presets">
          {PRESETS.map((p) => (
            <button
              type="button"
              key={p.value}
              id={`insights-preset-${p.value}`}
              aria-pressed={period.preset === p.value}
              onClick={() => onPeriod({ ...period, preset: p.value })}
            >
              {p.label}
            </button>
          ))}
          <button type="button" id="insights-preset-custom" aria-pressed={period.preset === "custom"} onClick={() => onPeriod({ ...period, preset: "custom" })}>
            Custom
          </button>
        </div>
        {period.preset === "custom" && (
          <>
            <label className="field">
              <span>From</span>
              <input id="insights-since" type="date" value={period.since} onChange={(e) => onPeriod({ ...period, since: e.target.value })} />
            </label>
            <label className="field">
              <span>To (included)</span>
              <input id="insights-until" type="date" value={period.until} onChange={(e) => onPeriod({ ...period, until: e.target.value })} />
            </label>
          </>
        )}
      </fieldset>
      <label className="field">
        <span>Template</span>
        <input id="insights-template" list="insights-template-names" value={props.template} onChange={(e) => props.onTemplate(e.target.value)} placeholder="any" />
        <datalist id="insights-template-names">
          {[...new Set(props.templates)].map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span>Language</span>
        <input id="insights-language" list="insights-language-codes" value={props.language} onChange={(e) => props.onLanguage(e.target.value)} placeholder="any" size={8} />
        <datalist id="insights-language-codes">
          {[...new Set(props.languages.filter(Boolean))].map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
      </label>
    </form>
  );
}
