/** Paste a template-create JSON and open it in the builder. */
export function ImportTemplate(props: { text: string; onText: (t: string) => void; onCancel: () => void; onOpen: () => void }) {
  return (
    <section className="card" aria-labelledby="import-title">
      <h2 id="import-title">Import a template</h2>
      <p className="hint">Paste a template-create JSON (as exported from WABA Desk or written for Meta's API).</p>
      <textarea id="templates-import" rows={8} className="mono" value={props.text} onChange={(e) => props.onText(e.target.value)} aria-label="Template JSON" />
      <div className="form__actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={props.onOpen} disabled={!props.text.trim()}>
          Open in the builder
        </button>
      </div>
    </section>
  );
}
