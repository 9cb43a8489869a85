import type { HeaderRow, HeaderState } from "../../lib/webhook/headers";

/**
 * Editable header rows with visible Name and Value captions; each row's problem is shown at the
 * row as the user types (360dialog's header rules).
 */
export function HeaderRows(props: {
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  /** The core's answer for these rows (`useHeaderCheck`), owned by the form that saves them. */
  check: HeaderState;
  idPrefix: string;
  /** Names the rows for assistive technology: "Header" gives "Header 1 name". */
  noun?: string;
}) {
  const { rows, onChange, idPrefix } = props;
  const noun = props.noun ?? "Header";
  const { problems, max } = props.check;
  const put = (i: number, patch: Partial<HeaderRow>) => onChange(rows.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <>
      {rows.map((h, i) => {
        const p = problems[i];
        const problem = p.name ?? p.value;
        const errId = `${idPrefix}-${i}-problem`;
        return (
          <div className="header-row" key={i} data-header-row={i}>
            <label className="field">
              <span>Name</span>
              <input
                id={`${idPrefix}-${i}-name`}
                aria-label={`${noun} ${i + 1} name`}
                value={h.name}
                placeholder="Authorization"
                spellCheck={false}
                autoComplete="off"
                aria-invalid={p.name ? true : undefined}
                aria-describedby={problem ? errId : undefined}
                onChange={(e) => put(i, { name: e.target.value })}
              />
            </label>
            <label className="field">
              <span>Value</span>
              <input
                id={`${idPrefix}-${i}-value`}
                aria-label={`${noun} ${i + 1} value`}
                value={h.value}
                spellCheck={false}
                autoComplete="off"
                aria-invalid={p.value ? true : undefined}
                aria-describedby={problem ? errId : undefined}
                onChange={(e) => put(i, { value: e.target.value })}
              />
            </label>
            <button type="button" aria-label={`Remove ${noun.toLowerCase()} ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              ✕
            </button>
            {problem && (
              <p id={errId} className="field-error header-row__problem" role="alert">
                {problem}
              </p>
            )}
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...rows, { name: "", value: "" }])} disabled={max !== null && rows.length >= max}>
        Add {noun.toLowerCase()}
      </button>
    </>
  );
}
