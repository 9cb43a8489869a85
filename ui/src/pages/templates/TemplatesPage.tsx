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
  discardTemplateDraft,
  exportTemplate,
  importTemplate,
  syncTemplates,
  templateDraft,
  templateDrafts,
  templateLibrary,
} from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useNumbers } from "../../lib/numbers";
import { PostmanExport } from "../numbers/PostmanExport";
import { useLoad } from "../../lib/hooks/useLoad";
import { useChosenNumber } from "../../lib/hooks/useChosenNumber";
import { emptyDraft } from "../../lib/templates";
import { Builder, type Source } from "./Builder";
import { Drafts } from "./Drafts";
import type { SavedDraft } from "../../lib/ipc/bindings/SavedDraft";
import { LIMITS, rejectionOf, templateStatus } from "../../lib/vocabulary";
import { QaPanel } from "./QaPanel";
import { TestSend } from "./TestSend";
import { PasteCurl } from "./PasteCurl";
import { takeDroppedDraft } from "../../lib/drop";
import { numberNamed, useRouteParams } from "../../lib/hooks/useRouteParams";
import type { CurlImport } from "../../lib/ipc/bindings/CurlImport";
import { ImportTemplate } from "./ImportTemplate";
import { LibraryFilters } from "./LibraryFilters";
import { LibraryList } from "./LibraryList";
import { TemplateDetail } from "./TemplateDetail";
import { isDecided, useReviewWatch, type Watched } from "./useReviewWatch";

/** A line above the library; `review` marks the outcome of Meta's review of a submitted variant. */
type Notice = { text: string; review?: string; warn?: boolean };

/** The outcome of Meta's review in plain words (a decision other than approval is a warning). */
export function reviewNotice(row: TemplateRow): Notice {
  const s = row.status.toLowerCase();
  const what = `${row.name} (${row.language})`;
  if (s === "approved") return { text: `${what} approved by Meta's review: ready to test-send.`, review: s };
  if (s === "rejected") {
    const why = row.rejected_explanation ?? rejectionOf(row.rejected_reason)?.meaning ?? row.rejected_reason;
    return { text: `${what} rejected by Meta's review${why ? `: ${why}` : ""}`.replace(/([^.])$/, "$1."), review: s, warn: true };
  }
  return { text: `${what} ${s}: ${templateStatus(row.status).meaning}`, review: s, warn: true };
}

/** The name for a rejected template created anew: 360dialog has no edit, and the rejected
 * variant keeps its name (as does a deleted one, for 30 days), so `name_v2`, `name_v3`, … */
export function resubmitName(name: string, taken: string[]): string {
  const base = name.replace(/_v\d+$/, "");
  for (let n = 2; ; n++) {
    const candidate = `${base}_v${n}`.slice(0, LIMITS.template_name_max);
    if (!taken.includes(candidate)) return candidate;
  }
}

type Mode =
  | { kind: "library" }
  | {
      kind: "builder";
      draft: TemplateDraft;
      title: string;
      savedId?: number | null;
      resumed?: boolean;
      source?: Source | null;
      existingLanguages?: string[];
      /** Edit and resubmit: Meta's reason, shown at the field it concerns. */
      review?: { field: string; message: string } | null;
    }
  | { kind: "send"; name: string; language: string; initial?: CurlImport }
  | { kind: "qa"; name: string };

const SYNC_EVERY_MS = 60_000;

export function TemplatesPage() {
  const { numbers, refresh } = useNumbers();
  const withKey = numbers?.filter((n) => n.key_state !== "none") ?? [];
  const [numberId, setNumberId] = useChosenNumber({ canShowAll: false });
  const [filter, setFilter] = useState<TemplateFilter>({ status: null, category: null, language: null, search: null });
  const [syncing, setSyncing] = useState(false);
  const [report, setReport] = useState<SyncReport | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [selected, setSelected] = useState<{ name: string; language: string } | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: "library" });
  const [pastingCurl, setPastingCurl] = useState(false);
  const [postman, setPostman] = useState(false);
  // A wabadesk://template/… link selects that template of that number; templates/new opens the builder.
  const route = useRouteParams();
  const linkedNumber = route.get("number");
  const linkedName = route.get("name");
  const linkedLanguage = route.get("language");
  const linkedNew = route.get("new");
  const droppedAt = route.get("dropped");
  const [importing, setImporting] = useState<string | null>(null);
  const [notice, setNoticeState] = useState<Notice | null>(null);
  const setNotice = (text: string | null) => setNoticeState(text === null ? null : { text });


  // The library as stored locally; read again after a sync and whenever the core reports a
  // template change (created, deleted, a status seen by another sync).
  const lib = useLoad(
    () => (numberId === null ? null : templateLibrary(numberId, filter)),
    [numberId, filter],
    ["templates"],
  );
  const library: TemplateLibrary | null = lib.data;
  useEffect(() => {
    const d = droppedAt ? takeDroppedDraft() : null;
    if (d) setMode({ kind: "builder", draft: d, title: "Imported template" });
  }, [droppedAt]);
  useEffect(() => {
    if (linkedNew) setMode({ kind: "builder", draft: emptyDraft(), title: "New template" });
  }, [linkedNew]);
  useEffect(() => {
    if (!linkedNumber || !numbers) return;
    const n = numberNamed(numbers, linkedNumber);
    if (n) setNumberId(n.id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [linkedNumber, numbers]);
  useEffect(() => {
    if (!linkedName || !library) return;
    const variants = library.groups.find((g) => g.name === linkedName)?.variants ?? [];
    const v = variants.find((x) => x.language === linkedLanguage) ?? variants[0];
    if (v) {
      setSelected({ name: v.name, language: v.language });
      setMode({ kind: "library" });
    }
  }, [linkedName, linkedLanguage, library]);
  // Builder drafts saved for this number (autosaved as the user types).
  // Read again on coming back to the library (a draft saved or discarded in the builder).
  const drafts = useLoad(
    () => (numberId === null || mode.kind !== "library" ? null : templateDrafts(numberId)),
    [numberId, mode.kind],
    ["templates"],
  );
  const load = lib.reload;

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

  // After a submit: ask for that template's status until Meta decides, without a click.
  const review = useReviewWatch({
    numberId,
    sync,
    statusOf: async (w: Watched) => {
      if (numberId === null) return null;
      const l = await templateLibrary(numberId, { status: null, category: null, language: w.language, search: w.name });
      return l.groups.find((g) => g.name === w.name)?.variants.find((v) => v.language === w.language) ?? null;
    },
    // The decision replaces the "Submitted … pending" line, which is stale now.
    onDecided: (row) => setNoticeState(reviewNotice(row)),
    onGaveUp: (still) =>
      setNoticeState({
        text: `${still.map((w) => `${w.name} (${w.language})`).join(", ")} still pending at Meta's review; Sync now checks again.`,
        review: "pending",
      }),
  });

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

  // Sync changes: a variant that now cannot be sent is a warning; the rest is news.
  const isWarning = (c: SyncReport["changes"][number]) => c.from !== null && ["warn", "bad"].includes(templateStatus(c.to).tone);
  const warnings = report?.changes.filter(isWarning) ?? [];
  const news = report?.changes.filter((c) => !isWarning(c)) ?? [];

  async function openDraft(
    title: string,
    change?: (d: TemplateDraft) => TemplateDraft,
    addLanguage = false,
    review: { field: string; message: string } | null = null,
  ) {
    if (numberId === null || !variant) return;
    try {
      const d = await templateDraft(numberId, variant.name, variant.language);
      setMode({
        kind: "builder",
        draft: change ? change(d) : d,
        title,
        source: addLanguage ? { name: variant.name, language: variant.language, components: variant.components } : null,
        existingLanguages: addLanguage ? (group?.variants.map((v) => v.language) ?? []) : [],
        review,
      });
    } catch (e) {
      setError(toIpcError(e));
    }
  }

  function resume(d: SavedDraft) {
    const existingLanguages =
      library?.groups.find((g) => g.name === (d.source_name ?? d.draft.name))?.variants.map((v) => v.language) ?? [];
    const from = d.source_name && d.source_language
      ? library?.groups.find((g) => g.name === d.source_name)?.variants.find((v) => v.language === d.source_language)
      : undefined;
    setMode({
      kind: "builder",
      draft: d.draft,
      title: d.title,
      savedId: d.id,
      resumed: true,
      source: d.source_name && d.source_language ? { name: d.source_name, language: d.source_language, components: from?.components } : null,
      existingLanguages,
    });
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
                <button type="button" id="templates-paste-curl" onClick={() => setPastingCurl(true)}>
                  Paste curl
                </button>
                <button type="button" id="templates-postman" aria-expanded={postman} onClick={() => setPostman((v) => !v)}>
                  Postman…
                </button>
              </>
            )}
          </div>
          {(error ?? lib.error) && <ErrorBanner error={(error ?? lib.error)!} />}
          {notice && (
            <p
              className={notice.warn ? "warning-banner" : "notice"}
              role="status"
              id="templates-notice"
              data-review={notice.review}
              onClick={() => setNotice(null)}
            >
              {notice.text}
            </p>
          )}
          {importing !== null && (
            <ImportTemplate text={importing} onText={setImporting} onCancel={() => setImporting(null)} onOpen={() => void doImport()} />
          )}
          {postman && mode.kind === "library" && numbers?.find((n) => n.id === numberId) && (
            <div className="card" id="templates-postman-panel">
              <PostmanExport number={numbers.find((n) => n.id === numberId)!} />
            </div>
          )}
          {numberId !== null && pastingCurl && mode.kind === "library" && (
            <PasteCurl
              numberId={numberId}
              onCancel={() => setPastingCurl(false)}
              onOpen={(c) => {
                setPastingCurl(false);
                setMode({ kind: "send", name: c.name, language: c.language, initial: c });
              }}
            />
          )}
          {numberId !== null && mode.kind === "builder" && (
            <Builder
              key={`${mode.title}-${mode.savedId ?? "new"}`}
              numberId={numberId}
              initial={mode.draft}
              title={mode.title}
              savedId={mode.savedId ?? null}
              resumed={mode.resumed}
              source={mode.source ?? null}
              existingLanguages={mode.existingLanguages}
              review={mode.review ?? null}
              onCancel={() => setMode({ kind: "library" })}
              onCreated={(t) => {
                if (isDecided(t.status)) setNoticeState(reviewNotice(t));
                else {
                  setNoticeState({
                    text: `Submitted ${t.name} (${t.language}): ${t.status.toLowerCase()}. Waiting for Meta's review; the result shows here when it is known.`,
                    review: t.status.toLowerCase(),
                  });
                  review.watch({ name: t.name, language: t.language });
                }
                setSelected({ name: t.name, language: t.language });
                setMode({ kind: "library" });
              }}
            />
          )}
          {numberId !== null && mode.kind === "send" && (
            <TestSend numberId={numberId} name={mode.name} language={mode.language} initial={mode.initial} onClose={() => setMode({ kind: "library" })} />
          )}
          {numberId !== null && mode.kind === "qa" && (
            <QaPanel numberId={numberId} name={mode.name} approved={approvedOf(mode.name)} onClose={() => setMode({ kind: "library" })} />
          )}
          {numberId !== null && mode.kind === "library" && library && (
            <>
              {report && (news.length > 0 || report.removed > 0) && (
                <p className="notice" role="status" id="templates-changes">
                  Sync: {news.map((c) => `${c.name} (${c.language}) ${c.from ? `${c.from.toLowerCase()} → ` : "new, "}${c.to.toLowerCase()}`).join("; ")}
                  {report.removed > 0 && ` · ${report.removed} removed`}
                </p>
              )}
              {warnings.length > 0 && (
                // A variant that could be sent and now cannot (approved → paused, disabled, …) is a warning, not news.
                <div className="warning-banner" role="alert" id="templates-changes-warn">
                  {warnings.map((c) => (
                      <p key={`${c.name}-${c.language}`} data-status={c.to.toLowerCase()}>
                        <strong>
                          {c.name} ({c.language}) {c.from!.toLowerCase()} → {c.to.toLowerCase()}
                        </strong>
                        : {templateStatus(c.to).meaning}
                      </p>
                    ))}
                </div>
              )}
              {(drafts.data?.length ?? 0) > 0 && (
                <Drafts
                  drafts={drafts.data ?? []}
                  onResume={resume}
                  onDiscard={(d) => void discardTemplateDraft(d.number_id, d.id).then(drafts.reload, (e) => setError(toIpcError(e)))}
                />
              )}
              <LibraryFilters filter={filter} onFilter={setF} languages={languages} />
              <div className="templates-grid">
                <LibraryList library={library} selected={selected} onSelect={setSelected} />
                <TemplateDetail
                  variant={variant}
                  approved={variant ? approvedOf(variant.name) : 0}
                  languageCount={group?.variants.length ?? 1}
                  onTestSend={() => variant && setMode({ kind: "send", name: variant.name, language: variant.language })}
                  onQa={() => variant && setMode({ kind: "qa", name: variant.name })}
                  onAddLanguage={() => void openDraft("Add a language", (d) => ({ ...d, language: "" }), true)}
                  onDuplicate={() => void openDraft("Duplicate as a new template", (d) => ({ ...d, name: `${d.name}_copy` }))}
                  onResubmit={() => {
                    if (!variant) return;
                    const name = resubmitName(variant.name, library?.groups.map((g) => g.name) ?? []);
                    const why = rejectionOf(variant.rejected_reason);
                    const message = `Meta rejected ${variant.name} (${variant.language}): ${variant.rejected_explanation ?? why?.meaning ?? "no reason given"}`;
                    void openDraft(
                      `Edit and resubmit as ${name} (360dialog cannot edit a template: this creates a new one; ${variant.name} stays rejected until you delete it)`,
                      (d) => ({ ...d, name }),
                      false,
                      { field: why?.field ?? "body", message },
                    );
                  }}
                  onExport={() =>
                    numberId !== null &&
                    variant &&
                    exportTemplate(numberId, variant.name, variant.language).then(
                      (p) => setNotice(`Exported to ${p}`),
                      (e) => setError(toIpcError(e)),
                    )
                  }
                  onDelete={() => variant && void doDelete(variant.name)}
                />
              </div>
            </>
          )}
        </>
      )}
    </Page>
  );
}
