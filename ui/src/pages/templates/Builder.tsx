import { type FormEvent, type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { ButtonDraft } from "../../lib/ipc/bindings/ButtonDraft";
import type { DraftCheck } from "../../lib/ipc/bindings/DraftCheck";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { TemplateDraft } from "../../lib/ipc/bindings/TemplateDraft";
import type { TemplateRow } from "../../lib/ipc/bindings/TemplateRow";
import { checkTemplate, createTemplate, discardTemplateDraft, saveTemplateDraft } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { LANGUAGES, insertVariable, newButton, nextVariable, previewOfComponents, previewOfDraft } from "../../lib/templates";
import { Preview } from "./Preview";
import { LIMITS } from "../../lib/vocabulary";

const BUTTON_KINDS: [string, string][] = [
  ["QUICK_REPLY", "Quick reply"],
  ["URL", "Visit website"],
  ["PHONE_NUMBER", "Call phone number"],
  ["COPY_CODE", "Copy offer code"],
  ["OTP", "One-time password"],
];

/** Runs the core's checks on the draft as the user types (debounced), with the number's library. */
function useCheck(draft: TemplateDraft, numberId: number): DraftCheck | null {
  const [check, setCheck] = useState<DraftCheck | null>(null);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      checkTemplate(draft, numberId).then((c) => live && setCheck(c), () => {});
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [draft, numberId]);
  return check;
}

/** How long the builder waits after the last change before saving the draft. */
export const AUTOSAVE_MS = 400;

/**
 * Saves the draft in the core while it differs from what the builder opened with (debounced),
 * so it survives navigation and a restart. Returns the saved draft's id (null until saved).
 */
function useAutosave(numberId: number, save: { draft: TemplateDraft; title: string; changed: boolean; source: Source | null }, first: number | null) {
  const [id, setId] = useState<number | null>(first);
  const idRef = useRef<number | null>(first);
  const pending = useRef<Promise<unknown>>(Promise.resolve());
  useEffect(() => {
    if (!save.changed) return;
    const t = setTimeout(() => {
      pending.current = pending.current.then(() =>
        saveTemplateDraft(numberId, {
          id: idRef.current,
          title: save.title,
          draft: save.draft,
          source_name: save.source?.name ?? null,
          source_language: save.source?.language ?? null,
        }).then(
          (saved) => {
            idRef.current = saved.id;
            setId(saved.id);
          },
          () => {},
        ),
      );
    }, AUTOSAVE_MS);
    return () => clearTimeout(t);
  }, [numberId, save.draft, save.title, save.changed, save.source]);
  /** Waits for a save in flight, then gives the id (to discard it). */
  const settled = async () => {
    await pending.current;
    return idRef.current;
  };
  return { id, settled };
}

/** The variant an "Add a language" draft starts from: shown beside the new text. */
export type Source = { name: string; language: string; components?: unknown };

function Issues({ at, issues }: { at: string; issues: Map<string, string[]> }) {
  const list = issues.get(at);
  if (!list?.length) return null;
  return (
    <p className="field-error" role="alert" data-field={at}>
      {list.join(" · ")}
    </p>
  );
}

function Field(props: { label: string; at: string; issues: Map<string, string[]>; hint?: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={props.wide ? "field field--wide" : "field"}>
      <label>
        <span>{props.label}</span>
        {props.children}
      </label>
      {props.hint && !props.issues.get(props.at)?.length && <p className="hint">{props.hint}</p>}
      <Issues at={props.at} issues={props.issues} />
    </div>
  );
}

export function Builder(props: {
  numberId: number;
  initial: TemplateDraft;
  title: string;
  /** A saved draft being resumed: its id (it is saved over, and discarded after a submit). */
  savedId?: number | null;
  /** Resuming a saved draft: it counts as changed (Cancel asks before discarding it). */
  resumed?: boolean;
  source?: Source | null;
  /** Languages this template name already has in the library (marked in the list). */
  existingLanguages?: string[];
  /** Edit and resubmit: Meta's reason for rejecting it, shown at the field it concerns. */
  review?: { field: string; message: string } | null;
  onCreated: (t: TemplateRow) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<TemplateDraft>(props.initial);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [addKind, setAddKind] = useState("QUICK_REPLY");
  const [confirmCancel, setConfirmCancel] = useState(false);
  const check = useCheck(draft, props.numberId);
  const changed = props.resumed === true || JSON.stringify(draft) !== JSON.stringify(props.initial);
  const source = props.source ?? null;
  const saved = useAutosave(props.numberId, { draft, title: props.title, changed, source }, props.savedId ?? null);
  const nameRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const focusSample = useRef<string | null>(null);
  useEffect(() => nameRef.current?.focus(), []);
  useEffect(() => {
    const want = focusSample.current;
    if (want && check?.body_placeholders.includes(want)) {
      document.getElementById(`tpl-sample-${want}`)?.focus();
      focusSample.current = null;
    }
  }, [check]);
  const existing = new Set(props.existingLanguages ?? []);
  const issues = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const i of check?.issues ?? []) m.set(i.path, [...(m.get(i.path) ?? []), i.message]);
    const review = props.review;
    if (review) m.set(review.field, [review.message, ...(m.get(review.field) ?? [])]);
    return m;
  }, [check, props.review]);
  const auth = draft.category === "AUTHENTICATION";
  const set = (patch: Partial<TemplateDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setHeader = (patch: Partial<TemplateDraft["header"]>) => setDraft((d) => ({ ...d, header: { ...d.header, ...patch } }));
  const setButton = (i: number, patch: Partial<ButtonDraft>) =>
    setDraft((d) => ({ ...d, buttons: d.buttons.map((b, j) => (j === i ? { ...b, ...patch } : b)) }));

  function addVariable() {
    const name = nextVariable(draft.body, draft.named);
    const el = bodyRef.current;
    const at = el && document.activeElement === el ? el.selectionStart : null;
    const next = insertVariable(draft.body, name, at);
    focusSample.current = name;
    set({ body: next.body, body_samples: { ...draft.body_samples, [name]: draft.body_samples[name] ?? "" } });
  }

  async function discard() {
    const id = await saved.settled();
    if (id !== null) await discardTemplateDraft(props.numberId, id).catch(() => {});
    props.onCancel();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSubmitting(true);
    setError(null);
    try {
      const created = await createTemplate(props.numberId, draft);
      const id = await saved.settled();
      if (id !== null) await discardTemplateDraft(props.numberId, id).catch(() => {});
      props.onCreated(created);
    } catch (err) {
      setError(toIpcError(err));
    } finally {
      setSubmitting(false);
    }
  }

  const problems = check?.issues.length ?? 0;
  return (
    <div className="builder-grid">
      <form className="card form" onSubmit={submit} aria-label="Template builder" id="tpl-builder">
        <h2>{props.title}</h2>
        <div className="form__grid">
          <Field label="Name" at="name" issues={issues} hint="Lowercase letters, digits and underscores.">
            <input id="tpl-name" ref={nameRef} value={draft.name} autoComplete="off" spellCheck={false} placeholder="order_update" onChange={(e) => set({ name: e.target.value })} />
          </Field>
          {check?.name_suggestion && check.name_suggestion !== draft.name && (
            <p className="field field--wide">
              <button type="button" id="tpl-name-fix" onClick={() => set({ name: check.name_suggestion ?? draft.name })}>
                Use <span className="mono">{check.name_suggestion}</span>
              </button>
            </p>
          )}
          <Field label="Category" at="category" issues={issues}>
            <select id="tpl-category" value={draft.category} onChange={(e) => set({ category: e.target.value })}>
              <option value="UTILITY">Utility</option>
              <option value="MARKETING">Marketing</option>
              <option value="AUTHENTICATION">Authentication</option>
            </select>
          </Field>
          <Field label="Language" at="language" issues={issues}>
            <select id="tpl-language" value={draft.language} onChange={(e) => set({ language: e.target.value })}>
              {!LANGUAGES.some(([c]) => c === draft.language) && <option value={draft.language}>{draft.language || "—"}</option>}
              {LANGUAGES.map(([code, name]) => (
                <option key={code} value={code} data-exists={existing.has(code) || undefined}>
                  {name} — {code}
                  {existing.has(code) ? " (exists)" : ""}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Variables" at="parameter_format" issues={issues}>
            <select id="tpl-format" value={draft.named ? "named" : "positional"} onChange={(e) => set({ named: e.target.value === "named", body_samples: {} })}>
              <option value="positional">Numbered: {"{{1}}, {{2}}"}</option>
              <option value="named">Named: {"{{first_name}}"}</option>
            </select>
          </Field>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={draft.allow_category_change} onChange={(e) => set({ allow_category_change: e.target.checked })} />
          Let Meta change the category instead of rejecting the template
        </label>

        <fieldset>
          <legend>Header</legend>
          <div className="form__grid">
            <Field label="Header type" at="header.format" issues={issues}>
              <select id="tpl-header-format" value={draft.header.format} onChange={(e) => setHeader({ format: e.target.value })}>
                <option value="NONE">None</option>
                <option value="TEXT">Text</option>
                <option value="IMAGE">Image</option>
                <option value="VIDEO">Video</option>
                <option value="DOCUMENT">Document</option>
                <option value="LOCATION">Location</option>
              </select>
            </Field>
            {draft.header.format === "TEXT" && (
              <Field label="Header text" at="header.text" issues={issues} hint={`Up to ${LIMITS.header_text_max} characters, at most one variable.`}>
                <input id="tpl-header-text" value={draft.header.text} onChange={(e) => setHeader({ text: e.target.value })} />
              </Field>
            )}
            {draft.header.format === "TEXT" && (check?.header_placeholders.length ?? 0) > 0 && (
              <Field label={`Sample for {{${check?.header_placeholders[0]}}}`} at="header.sample" issues={issues}>
                <input id="tpl-header-sample" value={draft.header.sample} onChange={(e) => setHeader({ sample: e.target.value })} />
              </Field>
            )}
            {["IMAGE", "VIDEO", "DOCUMENT"].includes(draft.header.format) && (
              <Field label="Sample media handle" at="header.handle" issues={issues} hint="The 4::… handle of a sample uploaded with Meta's resumable upload.">
                <input id="tpl-header-handle" value={draft.header.handle} spellCheck={false} onChange={(e) => setHeader({ handle: e.target.value })} />
              </Field>
            )}
          </div>
        </fieldset>

        <fieldset>
          <legend>Body</legend>
          {auth ? (
            <>
              <p className="hint">Meta writes the body of authentication templates: “{"{{1}}"} is your verification code.”</p>
              <label className="checkbox">
                <input type="checkbox" checked={draft.add_security_recommendation} onChange={(e) => set({ add_security_recommendation: e.target.checked })} />
                Add “For your security, do not share this code.”
              </label>
            </>
          ) : (
            <>
              {source && (
                <div className="field field--wide" id="tpl-source" aria-label={`Source text (${source.language})`}>
                  <span>
                    Source text ({source.name}, <span className="mono">{source.language}</span>)
                  </span>
                  <p className="raw-json" id="tpl-source-body">
                    {previewOfComponents(source.components ?? [], {}).body}
                  </p>
                </div>
              )}
              <Field label="Body text" at="body" issues={issues} wide hint={`Up to ${LIMITS.template_body_max} characters. *bold*, _italic_, ~strike~, \`\`\`monospace\`\`\`.`}>
                <textarea id="tpl-body" ref={bodyRef} rows={5} value={draft.body} onChange={(e) => set({ body: e.target.value })} />
              </Field>
              <button type="button" id="tpl-add-variable" onClick={addVariable}>
                Add variable
              </button>
            </>
          )}
          {!auth && (check?.body_placeholders.length ?? 0) > 0 && (
            <div className="form__grid">
              {check?.body_placeholders.map((name) => (
                <label className="field" key={name}>
                  <span>Sample for {`{{${name}}}`}</span>
                  <input
                    id={`tpl-sample-${name}`}
                    value={draft.body_samples[name] ?? ""}
                    onChange={(e) => set({ body_samples: { ...draft.body_samples, [name]: e.target.value } })}
                  />
                </label>
              ))}
            </div>
          )}
          <Issues at="body_samples" issues={issues} />
        </fieldset>

        <fieldset>
          <legend>Footer</legend>
          {auth ? (
            <label className="field">
              <span>Code expires after (minutes, optional)</span>
              <input
                id="tpl-expiry"
                type="number"
                min={LIMITS.code_expiration_min}
                max={LIMITS.code_expiration_max}
                value={draft.code_expiration_minutes ?? ""}
                onChange={(e) => set({ code_expiration_minutes: e.target.value ? Number(e.target.value) : null })}
              />
            </label>
          ) : (
            <Field label="Footer text (optional)" at="footer" issues={issues} hint={`Up to ${LIMITS.footer_max} characters, no variables.`}>
              <input id="tpl-footer" value={draft.footer} onChange={(e) => set({ footer: e.target.value })} />
            </Field>
          )}
        </fieldset>

        <fieldset>
          <legend>Buttons</legend>
          <Issues at="buttons" issues={issues} />
          {draft.buttons.map((b, i) => (
            <fieldset className="button-editor" key={i} aria-label={`Button ${i + 1}`}>
              <legend>
                Button {i + 1}: {BUTTON_KINDS.find(([k]) => k === b.kind)?.[1] ?? b.kind}
              </legend>
              <Issues at={`buttons[${i}].kind`} issues={issues} />
              {!["COPY_CODE"].includes(b.kind) && (
                <Field label="Label" at={`buttons[${i}].text`} issues={issues}>
                  <input id={`tpl-button-${i}-text`} value={b.text} placeholder={b.kind === "URL" ? "Track order" : b.kind === "PHONE_NUMBER" ? "Call us" : b.kind === "OTP" ? "Copy code" : "Yes, please"} onChange={(e) => setButton(i, { text: e.target.value })} />
                </Field>
              )}
              {b.kind === "URL" && (
                <Field label="URL" at={`buttons[${i}].url`} issues={issues} hint="A variable may end it: …/track/{{1}}">
                  <input id={`tpl-button-${i}-url`} value={b.url} spellCheck={false} placeholder="https://shop.example.com/track/{{1}}" onChange={(e) => setButton(i, { url: e.target.value })} />
                </Field>
              )}
              {b.kind === "URL" && b.url.includes("{{") && (
                <Field label="Sample for the URL's variable" at={`buttons[${i}].url_sample`} issues={issues}>
                  <input id={`tpl-button-${i}-sample`} value={b.url_sample} onChange={(e) => setButton(i, { url_sample: e.target.value })} />
                </Field>
              )}
              {b.kind === "PHONE_NUMBER" && (
                <Field label="Phone number" at={`buttons[${i}].phone_number`} issues={issues}>
                  <input id={`tpl-button-${i}-phone`} value={b.phone_number} placeholder="+15550051310" onChange={(e) => setButton(i, { phone_number: e.target.value })} />
                </Field>
              )}
              {b.kind === "COPY_CODE" && (
                <Field label="Sample code" at={`buttons[${i}].code_sample`} issues={issues}>
                  <input id={`tpl-button-${i}-code`} value={b.code_sample} onChange={(e) => setButton(i, { code_sample: e.target.value })} />
                </Field>
              )}
              {b.kind === "OTP" && (
                <label className="field">
                  <span>Password type</span>
                  <select value={b.otp_type} onChange={(e) => setButton(i, { otp_type: e.target.value })}>
                    <option value="COPY_CODE">Copy code</option>
                    <option value="ONE_TAP">One-tap autofill</option>
                    <option value="ZERO_TAP">Zero-tap</option>
                  </select>
                </label>
              )}
              <div className="form__actions">
                <button type="button" disabled={i === 0} aria-label={`Move button ${i + 1} up`} onClick={() => set({ buttons: swap(draft.buttons, i, i - 1) })}>
                  ↑
                </button>
                <button type="button" disabled={i === draft.buttons.length - 1} aria-label={`Move button ${i + 1} down`} onClick={() => set({ buttons: swap(draft.buttons, i, i + 1) })}>
                  ↓
                </button>
                <button type="button" aria-label={`Remove button ${i + 1}`} onClick={() => set({ buttons: draft.buttons.filter((_, j) => j !== i) })}>
                  Remove
                </button>
              </div>
            </fieldset>
          ))}
          <div className="toolbar">
            <label className="field">
              <span>Button type</span>
              <select id="tpl-add-kind" value={addKind} onChange={(e) => setAddKind(e.target.value)}>
                {BUTTON_KINDS.map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" id="tpl-add-button" onClick={() => set({ buttons: [...draft.buttons, newButton(addKind)] })}>
              Add button
            </button>
          </div>
        </fieldset>

        {error && <ErrorBanner error={error} />}
        <div className="form__actions">
          <button type="button" id="tpl-cancel" onClick={() => (changed ? setConfirmCancel(true) : props.onCancel())}>
            Cancel
          </button>
          <button type="submit" className="primary" id="tpl-submit" disabled={submitting || problems > 0 || !check}>
            {submitting ? "Submitting…" : problems > 0 ? `Fix ${problems} problem${problems > 1 ? "s" : ""} to submit` : "Submit for review"}
          </button>
        </div>
        {confirmCancel && (
          <div className="warning-banner" role="alertdialog" aria-label="Discard this draft?" id="tpl-confirm-cancel">
            <p>Discard this draft? What you entered is lost. It is saved under Drafts until you discard it.</p>
            <div className="form__actions">
              <button type="button" id="tpl-keep-editing" autoFocus onClick={() => setConfirmCancel(false)}>
                Keep editing
              </button>
              <button type="button" onClick={props.onCancel} id="tpl-keep-draft">
                Close, keep the draft
              </button>
              <button type="button" className="danger" id="tpl-discard" onClick={() => void discard()}>
                Discard draft
              </button>
            </div>
          </div>
        )}
        {check && (
          <details>
            <summary>Request JSON</summary>
            <pre className="raw-json" id="tpl-json">
              {JSON.stringify(check.body, null, 2)}
            </pre>
          </details>
        )}
      </form>
      <aside className="sticky" aria-label="Live preview">
        <h2 className="visually-hidden">Preview</h2>
        <Preview model={previewOfDraft(draft)} id="tpl-preview" />
        <p className="hint">Samples are filled in. {problems === 0 && check ? "Meta's known rules pass." : ""}</p>
        <p className="hint" id="tpl-autosave" role="status">
          {saved.id !== null ? "Draft saved on this computer." : ""}
        </p>
      </aside>
    </div>
  );
}

function swap<T>(list: T[], a: number, b: number): T[] {
  const out = [...list];
  [out[a], out[b]] = [out[b], out[a]];
  return out;
}
