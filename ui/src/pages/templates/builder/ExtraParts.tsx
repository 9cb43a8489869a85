import { Issues, type PartProps } from "./fields";

/**
 * Components the builder has no fields for (a call permission request, …): kept as imported,
 * sent with the template, and shown here so they can be seen or removed.
 */
export function ExtraParts({ draft, set, issues }: PartProps) {
  const extra = draft.extra_components ?? [];
  if (extra.length === 0 && !issues.get("extra_components")) return null;
  return (
    <fieldset aria-label="Other parts">
      <legend>Other parts (kept as imported)</legend>
      <Issues at="extra_components" issues={issues} />
      {extra.map((c, i) => (
        <div className="field field--wide" key={i}>
          <pre className="raw-json">{JSON.stringify(c, null, 2)}</pre>
          <button type="button" aria-label={`Remove part ${i + 1}`} onClick={() => set({ extra_components: extra.filter((_, j) => j !== i) })}>
            Remove
          </button>
        </div>
      ))}
    </fieldset>
  );
}
