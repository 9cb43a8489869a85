import { useContext } from "react";
import type { HeaderDraft } from "../../../lib/ipc/bindings/HeaderDraft";
import { LIMITS } from "../../../lib/vocabulary";
import { BuilderNumber, Field, type IssueMap } from "./fields";
import { HeaderSample } from "./HeaderSample";

const FORMATS: [string, string][] = [
  ["NONE", "None"],
  ["TEXT", "Text"],
  ["IMAGE", "Image"],
  ["VIDEO", "Video"],
  ["DOCUMENT", "Document"],
  ["LOCATION", "Location"],
  ["PRODUCT", "Product"],
];

export const MEDIA_FORMATS = ["IMAGE", "VIDEO", "DOCUMENT"];

/** The media header's sample: the upload handle of a sample file (one place to mount a picker). */
export function MediaHandleField(props: { header: HeaderDraft; onChange: (patch: Partial<HeaderDraft>) => void; issues: IssueMap; at?: string; id?: string; label?: string }) {
  const at = props.at ?? "header.";
  const numberId = useContext(BuilderNumber);
  const id = props.id ?? "tpl-header-handle";
  if (numberId !== null) {
    return (
      <HeaderSample
        numberId={numberId}
        format={props.header.format}
        handle={props.header.handle}
        onHandle={(handle) => props.onChange({ handle })}
        issues={props.issues.get(`${at}handle`)}
        at={`${at}handle`}
        idBase={id.replace(/-handle$/, "")}
        label={props.label}
      />
    );
  }
  return (
    <Field label={props.label ?? "Sample media handle"} at={`${at}handle`} issues={props.issues} hint="The 4::… handle of a sample uploaded with Meta's resumable upload.">
      <input id={id} value={props.header.handle} spellCheck={false} onChange={(e) => props.onChange({ handle: e.target.value })} />
    </Field>
  );
}

/**
 * The template header: its type (only the `formats` this template type allows, plus the one it
 * has) and its text, sample or media sample.
 */
export function HeaderFields(props: {
  header: HeaderDraft;
  headerPlaceholders: string[];
  onChange: (patch: Partial<HeaderDraft>) => void;
  issues: IssueMap;
  formats: string[];
}) {
  const { header, issues, onChange } = props;
  const shown = FORMATS.filter(([f]) => props.formats.includes(f) || f === header.format);
  return (
    <fieldset>
      <legend>Header</legend>
      <div className="form__grid">
        <Field label="Header type" at="header.format" issues={issues}>
          <select id="tpl-header-format" value={header.format} onChange={(e) => onChange({ format: e.target.value })}>
            {!FORMATS.some(([f]) => f === header.format) && <option value={header.format}>{header.format || "—"}</option>}
            {shown.map(([f, label]) => (
              <option key={f} value={f}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        {header.format === "TEXT" && (
          <Field label="Header text" at="header.text" issues={issues} hint={`Up to ${LIMITS.header_text_max} characters, at most one variable.`}>
            <input id="tpl-header-text" value={header.text} onChange={(e) => onChange({ text: e.target.value })} />
          </Field>
        )}
        {header.format === "TEXT" && props.headerPlaceholders.length > 0 && (
          <Field label={`Sample for {{${props.headerPlaceholders[0]}}}`} at="header.sample" issues={issues}>
            <input id="tpl-header-sample" value={header.sample} onChange={(e) => onChange({ sample: e.target.value })} />
          </Field>
        )}
        {MEDIA_FORMATS.includes(header.format) && <MediaHandleField header={header} onChange={onChange} issues={issues} />}
        {header.format === "LOCATION" && <p className="hint field--wide">The location (map pin, name and address) is given with each send.</p>}
        {header.format === "PRODUCT" && <p className="hint field--wide">The product (catalog and product id) is given with each send.</p>}
      </div>
    </fieldset>
  );
}
