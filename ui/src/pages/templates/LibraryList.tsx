import { EmptyState } from "../../lib/components/EmptyState";
import type { TemplateLibrary } from "../../lib/ipc/bindings/TemplateLibrary";
import { StatusBadge } from "./StatusBadge";

export type Selection = { name: string; language: string };

/** The library: one group per template name, a button per language with its status. */
export function LibraryList(props: {
  library: TemplateLibrary;
  selected: Selection | null;
  onSelect: (s: Selection) => void;
}) {
  return (
    <section className="card" aria-label="Template library" id="templates-list">
      {props.library.total === 0 ? (
        <EmptyState title={props.library.synced_at ? "No templates yet" : "Not synced yet"} icon="▤">
          <p>{props.library.synced_at ? "This number has no templates. Build the first one with “New template”." : "Sync to fetch this number's templates."}</p>
        </EmptyState>
      ) : props.library.groups.length === 0 ? (
        <p className="hint">No template matches the filters.</p>
      ) : (
        props.library.groups.map((g) => (
          <div className="template-group" key={g.name} data-template={g.name}>
            <h3>{g.name}</h3>
            <div className="variant-list">
              {g.variants.map((v) => (
                <button
                  type="button"
                  key={v.language}
                  data-language={v.language}
                  aria-pressed={props.selected?.name === v.name && props.selected.language === v.language}
                  onClick={() => props.onSelect({ name: v.name, language: v.language })}
                >
                  <span className="mono">{v.language}</span> <StatusBadge status={v.status} />
                </button>
              ))}
            </div>
            {g.differences.length > 0 && (
              <ul className="differences" aria-label={`Differences between the languages of ${g.name}`}>
                {g.differences.map((d) => (
                  <li key={d}>⚠ {d}</li>
                ))}
              </ul>
            )}
          </div>
        ))
      )}
    </section>
  );
}
