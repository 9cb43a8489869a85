import type { NumberView } from "../ipc/bindings/NumberView";

/** Picks one of the numbers that have a key. */
export function NumberPicker(props: {
  id: string;
  numbers: NumberView[];
  value: number | null;
  onChange: (id: number | null) => void;
}) {
  return (
    <label className="field">
      <span>Number</span>
      <select
        id={props.id}
        value={props.value ?? ""}
        onChange={(e) => props.onChange(e.target.value ? Number(e.target.value) : null)}
      >
        <option value="">Choose a number…</option>
        {props.numbers.map((n) => (
          <option key={n.id} value={n.id} disabled={n.key_state === "none"}>
            {n.label} ({n.phone}){n.key_state === "none" ? " — no key" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
