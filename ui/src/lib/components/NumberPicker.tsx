import type { NumberView } from "../ipc/bindings/NumberView";

/**
 * Picks a number. Pages that need one number to work with offer the numbers with a key; pages
 * that can show every number (`allowAll`) offer "All numbers" (the `null` choice) and every number.
 */
export function NumberPicker(props: {
  id: string;
  numbers: NumberView[];
  value: number | null;
  onChange: (id: number | null) => void;
  allowAll?: boolean;
  label?: string;
}) {
  return (
    <label className="field">
      <span>{props.label ?? "Number"}</span>
      <select
        id={props.id}
        value={props.value ?? ""}
        onChange={(e) => props.onChange(e.target.value ? Number(e.target.value) : null)}
      >
        <option value="">{props.allowAll ? "All numbers" : "Choose a number…"}</option>
        {props.numbers.map((n) => {
          const unusable = !props.allowAll && n.key_state === "none";
          return (
            <option key={n.id} value={n.id} disabled={unusable}>
              {n.label} ({n.phone}){unusable ? " — no key" : ""}
            </option>
          );
        })}
      </select>
    </label>
  );
}
