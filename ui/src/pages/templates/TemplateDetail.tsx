import { useEffect, useState } from "react";
import { When } from "../../lib/components/Badges";
import type { TemplateRow } from "../../lib/ipc/bindings/TemplateRow";
import { previewOfComponents } from "../../lib/templates";
import { rejectionOf, templateStatus } from "../../lib/vocabulary";
import { Preview } from "./Preview";
import { StatusBadge } from "./StatusBadge";

/** One language of a template: its facts, preview and actions (test-send, QA, edit as new, export, delete). */
export function TemplateDetail(props: {
  variant: TemplateRow | null;
  /** Approved languages of this template (what a QA run sends). */
  approved: number;
  /** Languages of this template (all of them are deleted together). */
  languageCount: number;
  onTestSend: () => void;
  onQa: () => void;
  onAddLanguage: () => void;
  onDuplicate: () => void;
  /** A rejected variant: reopen it in the builder (as a new template) with the reason shown. */
  onResubmit: () => void;
  onExport: () => void;
  onDelete: () => void;
}) {
  const [confirmDelete, setConfirmDelete] = useState(false);
  const variant = props.variant;
  const name = variant?.name;
  useEffect(() => setConfirmDelete(false), [name]);
  const status = variant ? templateStatus(variant.status) : null;
  const rejected = variant?.status.toLowerCase() === "rejected";
  return (
    <section className="card" aria-label="Template detail" id="templates-detail">
      {!variant ? (
        <p className="hint">Choose a language of a template to see its preview and actions.</p>
      ) : (
        <>
          <h2>
            {variant.name} <span className="mono">({variant.language})</span> <StatusBadge status={variant.status} />
          </h2>
          {status && (
            <p
              id="templates-status-meaning"
              data-tone={status.tone}
              className={status.tone === "ok" ? "hint" : "warning-banner"}
              role={status.tone === "warn" || status.tone === "bad" ? "note" : undefined}
            >
              {status.meaning}
            </p>
          )}
          <dl className="facts">
            <dt>Category</dt>
            <dd>{variant.category.toLowerCase()}</dd>
            <dt>Quality</dt>
            <dd>{variant.quality?.toLowerCase() ?? "unknown"}</dd>
            {variant.rejected_reason && (
              <>
                <dt>Rejected because</dt>
                <dd id="templates-rejected-reason">
                  {variant.rejected_explanation ?? rejectionOf(variant.rejected_reason)?.meaning ?? variant.rejected_reason}
                  {variant.rejected_explanation && <span className="hint mono"> ({variant.rejected_reason})</span>}
                </dd>
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
              onClick={() => props.onTestSend()}
            >
              Test-send
            </button>
            <button type="button" id="templates-qa" disabled={props.approved === 0} onClick={() => props.onQa()}>
              QA run ({props.approved} approved)
            </button>
            {rejected && (
              <button type="button" className="primary" id="templates-resubmit" onClick={props.onResubmit}>
                Edit and resubmit
              </button>
            )}
            <button type="button" onClick={props.onAddLanguage}>
              Add a language
            </button>
            <button type="button" onClick={props.onDuplicate}>
              Duplicate
            </button>
            <button
              type="button"
              onClick={props.onExport}
            >
              Export JSON
            </button>
            <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          </div>
          {confirmDelete && (
            <div className="warning-banner confirm" role="alertdialog" aria-labelledby="delete-title">
              <p id="delete-title">
                Delete <strong>{variant.name}</strong> in all {props.languageCount} language(s) at 360dialog? Meta does not allow
                reusing the name for 30 days.
              </p>
              <button type="button" onClick={() => setConfirmDelete(false)} autoFocus>
                Keep it
              </button>
              <button type="button" className="danger" id="templates-delete-confirm" onClick={props.onDelete}>
                Delete
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
