import { useCallback, useEffect, useMemo, useState } from "react";
import { When } from "../../lib/components/Badges";
import { EmptyState } from "../../lib/components/EmptyState";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { NumberPicker } from "../../lib/components/NumberPicker";
import { Page } from "../../lib/components/Page";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { SyncReport } from "../../lib/ipc/bindings/SyncReport";
import type { TemplateDraft } from "../../lib/ipc/bindings/TemplateDraft";
import type { TemplateFilter } from "../../lib/ipc/bindings/TemplateFilter";
import type { TemplateLibrary } from "../../lib/ipc/bindings/TemplateLibrary";
import type { TemplateRow } from "../../lib/ipc/bindings/TemplateRow";
import {
  deleteTemplate,
  exportTemplate,
  importTemplate,
  syncTemplates,
  templateDraft,
  templateLibrary,
} from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useNumbers } from "../../lib/numbers";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { emptyDraft, previewOfComponents } from "../../lib/templates";
import { Builder } from "./Builder";
import { Preview } from "./Preview";
import { QaPanel } from "./QaPanel";
import { TestSend } from "./TestSend";

type Mode =
  | { kind: "library" }
  | { kind: "builder"; draft: TemplateDraft; title: string }
  | { kind: "send"; name: string; language: string }
  | { kind: "qa"; name: string };

const SYNC_EVERY_MS = 60_000;

export function StatusBadge({ status }: { status: string }) {
  const s = status.toLowerCase();
  return (
    <span className={`badge badge--status-${s}`} data-status={s}>
      {s}
    </span>
  );
}

export function TemplatesPage() {
  const { numbers, refresh } = useNumbers();
  const withKey = numbers?.filter((n) => n.key_state !== "none") ?? [];
  const [numberId, setNumberId] = useChosenNumber({ canShowAll: false });
  const [library, setLibrary] = useState<TemplateLibrary | null>(null);
  const [filter, setFilter] = useState<TemplateFilter>({ status: null, category: null, language: null, search: null });
  const [syncing, setSyncing] = useState(false);
  const [report, setReport] = useState<SyncReport | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [selected, setSelected] = useState<{ name: string; language: string } | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: "library" });
  const [importing, setImporting] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);


  const load = useCallback(() => {
    if (numberId === null) return Promise.resolve();
    return templateLibrary(numberId, filter).then(setLibrary, (e) => setError(toIpcError(e)));
  }, [numberId, filter]);
  useEffect(() => {
    void load();
  }, [load]);

  const sync = useCallback(async () => {
    if (numberId === null) return;
    setSyncing(true);
    setError(null);
    try {
      setReport(await syncTemplates(numberId));
      await load();
    } catch (e) {
      setError(toIpcError(e));
      void refresh(); // a 401 marks the key superseded
    } finally {
      setSyncing(false);
    }
  }, [numberId, load, refresh]);

  // Template status changes are not pushed to webhooks: sync on opening and on a timer.
  useEffect(() => {
    if (numberId === null || mode.kind !== "library") return;
    void sync();
    const t = setInterval(() => void sync(), SYNC_EVERY_MS);
    return () => clearInterval(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [numberId, mode.kind]);

  const variant: TemplateRow | null = useMemo(() => {
    if (!library || !selected) return null;
    for (const g of library.groups)
      for (const v of g.variants) if (v.name === selected.name && v.language === selected.language) return v;
    return null;
  }, [library, selected]);
  const group = library?.groups.find((g) => g.name === selected?.name) ?? null;
  const languages = useMemo(() => {
    const all = new Set<string>();
    library?.groups.forEach((g) => g.variants.forEach((v) => all.add(v.language)));
    if (filter.language) all.add(filter.language);
    return [...all].sort();
  }, [library, filter.language]);

  async function openDraft(title: string, change?: (d: TemplateDraft) => TemplateDraft) {
    if (numberId === null || !variant) return;
    try {
      const d = await templateDraft(numberId, variant.name, variant.language);
      setMode({ kind: "builder", draft: change ? change(d) : d, title });
    } catch (e) {
      setError(toIpcError(e));
    }
  }

  async function doImport() {
    try {
      const d = await importTemplate(importing ?? "");
      setImporting(null);
      setMode({ kind: "builder", draft: d, title: "Imported template" });
    } catch (e) {
      setError(toIpcError(e));
    }
  }

  async function doDelete(name: string) {
    if (numberId === null) return;
    try {
      await deleteTemplate(numberId, name);
      setConfirmDelete(null);
      setSelected(null);
      setNotice(`Deleted ${name} in every language.`);
      await load();
    } catch (e) {
      setError(toIpcError(e));
    }
  }

  const approvedOf = (name: string) =>
    library?.groups.find((g) => g.name === name)?.variants.filter((v) => v.status.toLowerCase() === "approved").length ?? 0;
  const setF = (patch: Partial<TemplateFilter>) => setFilter((f) => ({ ...f, ...patch }));

  return (
    <Page id="templates" title="Templates" lead="Build, preview, submit for review, and test-send message templates.">
      {numbers !== null && withKey.length === 0 ? (
        <EmptyState title="No templates synced" icon="▤">
          <p>
            Templates belong to a number's WhatsApp Business Account. Add a number with its API key, then its templates
            are synced here and stay browsable offline.
          </p>
          <p className="hint">
            Meta reviews every new template; its status is checked by syncing, because template status changes are not
            sent to a number's webhook.
          </p>
        </EmptyState>
      ) : (
        <>
          <div className="toolbar">
            <NumberPicker id="templates-number" numbers={numbers ?? []} value={numberId} onChange={(id) => {
              setNumberId(id);
              setSelected(null);
              setMode({ kind: "library" });
            }} />
            {numberId !== null && mode.kind === "library" && (
              <>
                <button type="button" id="templates-sync" onClick={() => void sync()} disabled={syncing}>
                  {syncing ? "Syncing…" : "Sync now"}
                </button>
                <span className="hint" id="templates-synced">
                  Last synced <When at={library?.synced_at ?? null} />
                </span>
                <button type="button" className="primary" id="templates-new" onClick={() => setMode({ kind: "builder", draft: emptyDraft(), title: "New template" })}>
                  New template
                </button>
                <button type="button" onClick={() => setImporting("")}>
                  Import JSON
                </button>
              </>
            )}
          </div>
          {error && <ErrorBanner error={error} />}
          {notice && (
            <p className="notice" role="status" onClick={() => setNotice(null)}>
              {notice}
            </p>
          )}
          {importing !== null && (
            <section className="card" aria-labelledby="import-title">
              <h2 id="import-title">Import a template</h2>
              <p className="hint">Paste a template-create JSON (as exported from WABA Desk or written for Meta's API).</p>
              <textarea id="templates-import" rows={8} className="mono" value={importing} onChange={(e) => setImporting(e.target.value)} aria-label="Template JSON" />
              <div className="form__actions">
                <button type="button" onClick={() => setImporting(null)}>
                  Cancel
                </button>
                <button type="button" className="primary" onClick={doImport} disabled={!importing.trim()}>
                  Open in the builder
                </button>
              </div>
            </section>
          )}
          {numberId !== null && mode.kind === "builder" && (
            <Builder
              numberId={numberId}
              initial={mode.draft}
              title={mode.title}
              onCancel={() => setMode({ kind: "library" })}
              onCreated={(t) => {
                setNotice(`Submitted ${t.name} (${t.language}): ${t.status.toLowerCase()}. Meta's review result arrives with a sync.`);
                setSelected({ name: t.name, language: t.language });
                setMode({ kind: "library" });
              }}
            />
          )}
          {numberId !== null && mode.kind === "send" && (
            <TestSend numberId={numberId} name={mode.name} language={mode.language} onClose={() => setMode({ kind: "library" })} />
          )}
          {numberId !== null && mode.kind === "qa" && (
            <QaPanel numberId={numberId} name={mode.name} approved={approvedOf(mode.name)} onClose={() => setMode({ kind: "library" })} />
          )}
          {numberId !== null && mode.kind === "library" && library && (
            <>
              {report && (report.changes.length > 0 || report.removed > 0) && (
                <p className="notice" role="status" id="templates-changes">
                  Sync: {report.changes.map((c) => `${c.name} (${c.language}) ${c.from ? `${c.from.toLowerCase()} → ` : "new, "}${c.to.toLowerCase()}`).join("; ")}
                  {report.removed > 0 && ` · ${report.removed} removed`}
                </p>
              )}
              <div className="filters" role="search" aria-label="Filter templates">
                <label className="field">
                  <span>Search</span>
                  <input id="templates-search" type="search" placeholder="Name or text" value={filter.search ?? ""} onChange={(e) => setF({ search: e.target.value || null })} />
                </label>
                <label className="field">
                  <span>Status</span>
                  <select id="templates-status" value={filter.status ?? ""} onChange={(e) => setF({ status: e.target.value || null })}>
                    <option value="">Any</option>
                    {["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED"].map((s) => (
                      <option key={s} value={s}>
                        {s.toLowerCase()}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="field">
                  <span>Category</span>
                  <select value={filter.category ?? ""} onChange={(e) => setF({ category: e.target.value || null })}>
                    <option value="">Any</option>
                    <option value="MARKETING">Marketing</option>
                    <option value="UTILITY">Utility</option>
                    <option value="AUTHENTICATION">Authentication</option>
                  </select>
                </label>
                <label className="field">
                  <span>Language</span>
                  <select value={filter.language ?? ""} onChange={(e) => setF({ language: e.target.value || null })}>
                    <option value="">Any</option>
                    {languages.map((l) => (
                      <option key={l} value={l}>
                        {l}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
              <div className="templates-grid">
                <section className="card" aria-label="Template library" id="templates-list">
                  {library.total === 0 ? (
                    <EmptyState title={library.synced_at ? "No templates yet" : "Not synced yet"} icon="▤">
                      <p>{library.synced_at ? "This number has no templates. Build the first one with “New template”." : "Sync to fetch this number's templates."}</p>
                    </EmptyState>
                  ) : library.groups.length === 0 ? (
                    <p className="hint">No template matches the filters.</p>
                  ) : (
                    library.groups.map((g) => (
                      <div className="template-group" key={g.name} data-template={g.name}>
                        <h3>{g.name}</h3>
                        <div className="variant-list">
                          {g.variants.map((v) => (
                            <button
                              type="button"
                              key={v.language}
                              data-language={v.language}
                              aria-pressed={selected?.name === v.name && selected.language === v.language}
                              onClick={() => setSelected({ name: v.name, language: v.language })}
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
                <section className="card" aria-label="Template detail" id="templates-detail">
                  {!variant ? (
                    <p className="hint">Choose a language of a template to see its preview and actions.</p>
                  ) : (
                    <>
                      <h2>
                        {variant.name} <span className="mono">({variant.language})</span> <StatusBadge status={variant.status} />
                      </h2>
                      <dl className="facts">
                        <dt>Category</dt>
                        <dd>{variant.category.toLowerCase()}</dd>
                        <dt>Quality</dt>
                        <dd>{variant.quality?.toLowerCase() ?? "unknown"}</dd>
                        {variant.rejected_reason && (
                          <>
                            <dt>Rejected because</dt>
                            <dd id="templates-rejected-reason">{variant.rejected_reason}</dd>
                          </>
                        )}
                        <dt>Synced</dt>
                        <dd>
                          <When at={variant.synced_at} />
                        </dd>
                      </dl>
                      <Preview model={previewOfComponents(variant.components, {})} id="templates-preview" />
                      <div className="toolbar">
                        <button
                          type="button"
                          className="primary"
                          id="templates-test-send"
                          disabled={variant.status.toLowerCase() !== "approved"}
                          title={variant.status.toLowerCase() !== "approved" ? "Only approved templates can be sent" : undefined}
                          onClick={() => setMode({ kind: "send", name: variant.name, language: variant.language })}
                        >
                          Test-send
                        </button>
                        <button type="button" id="templates-qa" disabled={approvedOf(variant.name) === 0} onClick={() => setMode({ kind: "qa", name: variant.name })}>
                          QA run ({approvedOf(variant.name)} approved)
                        </button>
                        <button type="button" onClick={() => openDraft("Add a language", (d) => ({ ...d, language: "" }))}>
                          Add a language
                        </button>
                        <button type="button" onClick={() => openDraft("Duplicate as a new template", (d) => ({ ...d, name: `${d.name}_copy` }))}>
                          Duplicate
                        </button>
                        <button
                          type="button"
                          onClick={() =>
                            exportTemplate(numberId, variant.name, variant.language).then(
                              (p) => setNotice(`Exported to ${p}`),
                              (e) => setError(toIpcError(e)),
                            )
                          }
                        >
                          Export JSON
                        </button>
                        <button type="button" className="danger" onClick={() => setConfirmDelete(variant.name)}>
                          Delete…
                        </button>
                      </div>
                      {confirmDelete === variant.name && (
                        <div className="warning-banner confirm" role="alertdialog" aria-labelledby="delete-title">
                          <p id="delete-title">
                            Delete <strong>{variant.name}</strong> in all {group?.variants.length ?? 1} language(s) at 360dialog? Meta does not allow
                            reusing the name for 30 days.
                          </p>
                          <button type="button" onClick={() => setConfirmDelete(null)} autoFocus>
                            Keep it
                          </button>
                          <button type="button" className="danger" id="templates-delete-confirm" onClick={() => doDelete(variant.name)}>
                            Delete
                          </button>
                        </div>
                      )}
                    </>
                  )}
                </section>
              </div>
            </>
          )}
        </>
      )}
    </Page>
  );
}
