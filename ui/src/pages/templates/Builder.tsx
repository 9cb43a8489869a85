import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { DraftCheck } from "../../lib/ipc/bindings/DraftCheck";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { TemplateDraft } from "../../lib/ipc/bindings/TemplateDraft";
import type { TemplateRow } from "../../lib/ipc/bindings/TemplateRow";
import { checkTemplate, createTemplate, discardTemplateDraft, saveTemplateDraft } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { completeDraft, LANGUAGES, previewOfDraft, switchType, TEMPLATE_TYPES, templateType } from "../../lib/templates";
import { Preview } from "./Preview";
import { AuthFields } from "./builder/AuthFields";
import type { Source } from "./builder/BodyFields";
import { CarouselFields } from "./builder/CarouselFields";
import { ExtraParts } from "./builder/ExtraParts";
import { BuilderNumber, Field, type IssueMap } from "./builder/fields";
import { OfferFields } from "./builder/OfferFields";
import { StandardFields } from "./builder/StandardFields";

export type { Source };

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
  // A draft saved before the builder had types (or from an older core) gets every field.
  const initial = useMemo(() => completeDraft(props.initial), [props.initial]);
  const [draft, setDraft] = useState<TemplateDraft>(initial);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const check = useCheck(draft, props.numberId);
  const changed = props.resumed === true || JSON.stringify(draft) !== JSON.stringify(initial);
  const source = props.source ?? null;
  const saved = useAutosave(props.numberId, { draft, title: props.title, changed, source }, props.savedId ?? null);
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => nameRef.current?.focus(), []);
  const existing = new Set(props.existingLanguages ?? []);
  // A new, empty template shows no problems until the user starts on it.
  const blank = !changed && !props.review && !initial.name.trim() && !initial.body.trim();
  const issues: IssueMap = useMemo(() => {
    const m: IssueMap = new Map();
    if (blank) return m;
    for (const i of check?.issues ?? []) m.set(i.path, [...(m.get(i.path) ?? []), i.message]);
    const review = props.review;
    if (review) m.set(review.field, [review.message, ...(m.get(review.field) ?? [])]);
    return m;
  }, [check, props.review, blank]);
  const type = templateType(draft);
  const set = (patch: Partial<TemplateDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const part = { draft, set, issues };
  const categoryFixed = type !== "STANDARD";

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

  // One problem reported at two fields (a name + language that exists) counts once.
  const problems = new Set((check?.issues ?? []).map((i) => i.message)).size;
  return (
    <BuilderNumber.Provider value={props.numberId}>
    <div className="builder-grid">
      <form className="card form" onSubmit={submit} aria-label="Template builder" id="tpl-builder">
        <h2>{props.title}</h2>
        <fieldset className="type-picker">
          <legend>Template type</legend>
          <Field label="Type" at="kind" issues={issues} hint={TEMPLATE_TYPES.find((t) => t.value === type)?.hint}>
            <select id="tpl-type" value={type} onChange={(e) => setDraft((d) => switchType(d, e.target.value as typeof type))}>
              {TEMPLATE_TYPES.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </Field>
        </fieldset>
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
          <Field label="Category" at="category" issues={issues} hint={categoryFixed ? "Set by the template type." : undefined}>
            <select id="tpl-category" value={draft.category} disabled={categoryFixed && ["MARKETING", "AUTHENTICATION"].includes(draft.category)} onChange={(e) => set({ category: e.target.value })}>
              {!["UTILITY", "MARKETING", "AUTHENTICATION"].includes(draft.category) && <option value={draft.category}>{draft.category || "—"}</option>}
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
          {type !== "AUTHENTICATION" && (
            <Field label="Variables" at="parameter_format" issues={issues}>
              <select id="tpl-format" value={draft.named ? "named" : "positional"} onChange={(e) => set({ named: e.target.value === "named", body_samples: {} })}>
                <option value="positional">Numbered: {"{{1}}, {{2}}"}</option>
                <option value="named">Named: {"{{first_name}}"}</option>
              </select>
            </Field>
          )}
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={draft.allow_category_change} onChange={(e) => set({ allow_category_change: e.target.checked })} />
          Let Meta change the category instead of rejecting the template
        </label>

        {type === "STANDARD" && <StandardFields {...part} check={check} source={source} />}
        {(type === "CAROUSEL_MEDIA" || type === "CAROUSEL_PRODUCT") && <CarouselFields {...part} check={check} source={source} />}
        {type === "LIMITED_TIME_OFFER" && <OfferFields {...part} check={check} source={source} />}
        {type === "AUTHENTICATION" && <AuthFields {...part} />}
        <ExtraParts {...part} />

        {error && <ErrorBanner error={error} />}
        <div className="form__actions">
          <button type="button" id="tpl-cancel" onClick={() => (changed ? setConfirmCancel(true) : props.onCancel())}>
            Cancel
          </button>
          <button type="submit" className="primary" id="tpl-submit" disabled={submitting || problems > 0 || !check}>
            {submitting
              ? "Submitting…"
              : blank
                ? "Fill in the template to submit"
                : problems > 0
                  ? `Fix ${problems} problem${problems > 1 ? "s" : ""} to submit`
                  : "Submit for review"}
          </button>
        </div>
        {confirmCancel && (
          <div className="warning-banner" role="alertdialog" aria-label="Discard this draft?" id="tpl-confirm-cancel">
            <p>Leave the builder? Your draft is kept under Drafts unless you discard it; discarding deletes what you entered.</p>
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
        <p className="hint" id="tpl-preview-note">
          The preview shows your sample values.{" "}
          {check && !blank && (problems === 0 ? "Meta's known rules pass." : `${problems} problem${problems > 1 ? "s" : ""} to fix before submitting.`)}
        </p>
        <p className="hint" id="tpl-autosave" role="status">
          {saved.id !== null ? "Draft saved on this computer." : ""}
        </p>
      </aside>
    </div>
    </BuilderNumber.Provider>
  );
}
