import { useEffect, useRef } from "react";
import { insertVariable, nextVariable, previewOfComponents } from "../../../lib/templates";
import { Field, Issues, type IssueMap } from "./fields";

/** The variant an "Add a language" draft starts from: shown beside the new text. */
export type Source = { name: string; language: string; components?: unknown };

/**
 * A body text with "Add variable" and one sample field per placeholder. Used for the message
 * body (`at` "") and a carousel card's body (`at` "cards[1].").
 */
export function BodyFields(props: {
  body: string;
  samples: Record<string, string>;
  named: boolean;
  placeholders: string[];
  onChange: (patch: { body?: string; samples?: Record<string, string> }) => void;
  issues: IssueMap;
  max: number;
  label?: string;
  at?: string;
  /** Element ids: "tpl-" (tpl-body, tpl-sample-1) or "tpl-card-1-". */
  idPrefix?: string;
  rows?: number;
  source?: Source | null;
}) {
  const at = props.at ?? "";
  const id = props.idPrefix ?? "tpl-";
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const focusSample = useRef<string | null>(null);
  useEffect(() => {
    const want = focusSample.current;
    if (want && props.placeholders.includes(want)) {
      document.getElementById(`${id}sample-${want}`)?.focus();
      focusSample.current = null;
    }
  }, [props.placeholders, id]);

  function addVariable() {
    const name = nextVariable(props.body, props.named);
    const el = bodyRef.current;
    const caret = el && document.activeElement === el ? el.selectionStart : null;
    const next = insertVariable(props.body, name, caret);
    focusSample.current = name;
    props.onChange({ body: next.body, samples: { ...props.samples, [name]: props.samples[name] ?? "" } });
  }

  return (
    <>
      {props.source && (
        <div className="field field--wide" id="tpl-source" aria-label={`Source text (${props.source.language})`}>
          <span>
            Source text ({props.source.name}, <span className="mono">{props.source.language}</span>)
          </span>
          <p className="raw-json" id="tpl-source-body">
            {previewOfComponents(props.source.components ?? [], {}).body}
          </p>
        </div>
      )}
      <Field label={props.label ?? "Body text"} at={`${at}body`} issues={props.issues} wide hint={`Up to ${props.max} characters. *bold*, _italic_, ~strike~, \`\`\`monospace\`\`\`.`}>
        <textarea id={`${id}body`} ref={bodyRef} rows={props.rows ?? 5} value={props.body} onChange={(e) => props.onChange({ body: e.target.value })} />
      </Field>
      <button type="button" id={`${id}add-variable`} onClick={addVariable}>
        Add variable
      </button>
      {props.placeholders.length > 0 && (
        <div className="form__grid">
          {props.placeholders.map((name) => (
            <label className="field" key={name}>
              <span>Sample for {`{{${name}}}`}</span>
              <input id={`${id}sample-${name}`} value={props.samples[name] ?? ""} onChange={(e) => props.onChange({ samples: { ...props.samples, [name]: e.target.value } })} />
            </label>
          ))}
        </div>
      )}
      <Issues at={`${at}body_samples`} issues={props.issues} />
    </>
  );
}
