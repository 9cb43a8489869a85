import { useState } from "react";
import { When } from "../../lib/components/Badges";
import type { SavedDraft } from "../../lib/ipc/bindings/SavedDraft";

/** The number's saved builder drafts: resume one, or discard it (asked first). */
export function Drafts(props: { drafts: SavedDraft[]; onResume: (d: SavedDraft) => void; onDiscard: (d: SavedDraft) => void }) {
  const [asking, setAsking] = useState<number | null>(null);
  return (
    <section className="card" aria-label="Drafts" id="templates-drafts">
      <h2>Drafts</h2>
      <ul className="plain-list">
        {props.drafts.map((d) => {
          const what = `${d.draft.name || "Untitled"}${d.draft.language ? ` (${d.draft.language})` : ""}`;
          return (
            <li key={d.id} data-draft={d.id}>
              <span>
                {d.title}: <span className="mono">{what}</span> · saved <When at={d.updated_at} />
              </span>{" "}
              <button type="button" aria-label={`Resume ${what}`} onClick={() => props.onResume(d)}>
                Resume
              </button>{" "}
              {asking === d.id ? (
                <>
                  <button type="button" className="danger" aria-label={`Discard ${what} for good`} onClick={() => props.onDiscard(d)}>
                    Discard for good
                  </button>{" "}
                  <button type="button" onClick={() => setAsking(null)}>
                    Keep
                  </button>
                </>
              ) : (
                <button type="button" aria-label={`Discard ${what}`} onClick={() => setAsking(d.id)}>
                  Discard
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
