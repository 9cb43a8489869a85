import { formatCount } from "../../lib/count";
import { useState } from "react";
import { pruneHistory } from "../../lib/ipc/commands";

/** Deletes old messages: counts them first, deletes after a second click. */
export function Retention(props: { onPruned: () => void; onError: (e: unknown) => void }) {
  const [keepDays, setKeepDays] = useState(90);
  const [pruneCount, setPruneCount] = useState<number | null>(null);
  return (
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
        <button type="button" onClick={() => pruneHistory(keepDays, true).then(setPruneCount, props.onError)}>
          Count them
        </button>
        {pruneCount !== null && pruneCount > 0 && (
          <button
            type="button"
            className="danger"
            onClick={() =>
              pruneHistory(keepDays, false).then(() => {
                setPruneCount(0);
                props.onPruned();
              }, props.onError)
            }
          >
            Delete {formatCount(pruneCount)} messages
          </button>
        )}
        {pruneCount === 0 && <span className="hint">Nothing older than {keepDays} days.</span>}
      </div>
    </details>
  );
}
