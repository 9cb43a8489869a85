import { useState } from "react";
import type { ButtonDraft } from "../../../lib/ipc/bindings/ButtonDraft";
import { newButton } from "../../../lib/templates";
import { BUTTON_KINDS, buttonKindLabel, Field, Issues, type IssueMap, patchButton, swap } from "./fields";

/**
 * The buttons of a template or a card. `onStructure` (adding, moving, removing) is given where
 * this list decides the structure; a carousel gives it to every card at once, so the cards stay
 * alike.
 */
export function ButtonsEditor(props: {
  buttons: ButtonDraft[];
  onChange: (buttons: ButtonDraft[]) => void;
  onStructure?: (change: (buttons: ButtonDraft[]) => ButtonDraft[]) => void;
  issues: IssueMap;
  /** Field paths of these buttons: "" or "cards[1]." */
  at?: string;
  /** Element ids: "tpl-button-" or "tpl-card-1-button-". */
  idPrefix?: string;
  kinds?: string[];
  max?: number;
  /** "Add button" selector id (the standard form keeps tpl-add-kind / tpl-add-button). */
  addId?: string;
}) {
  const at = props.at ?? "";
  const id = props.idPrefix ?? "tpl-button-";
  const kinds = BUTTON_KINDS.filter(([k]) => (props.kinds ?? ["QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE"]).includes(k));
  const [addKind, setAddKind] = useState(kinds[0]?.[0] ?? "QUICK_REPLY");
  const set = (i: number, patch: Partial<ButtonDraft>) => props.onChange(patchButton(props.buttons, i, patch));
  const structure = props.onStructure;
  const addId = props.addId ?? "tpl-add";
  const full = props.max !== undefined && props.buttons.length >= props.max;
  return (
    <>
      <Issues at={`${at}buttons`} issues={props.issues} />
      {props.buttons.map((b, i) => (
        <fieldset className="button-editor" key={i} aria-label={`${at ? "Card button" : "Button"} ${i + 1}`}>
          <legend>
            Button {i + 1}: {buttonKindLabel(b.kind)}
          </legend>
          <Issues at={`${at}buttons[${i}].kind`} issues={props.issues} />
          {b.kind !== "COPY_CODE" && (
            <Field label="Label" at={`${at}buttons[${i}].text`} issues={props.issues}>
              <input
                id={`${id}${i}-text`}
                value={b.text}
                placeholder={b.kind === "URL" ? "Track order" : b.kind === "PHONE_NUMBER" ? "Call us" : b.kind === "OTP" ? "Copy code" : b.kind === "SPM" ? "View" : "Yes, please"}
                onChange={(e) => set(i, { text: e.target.value })}
              />
            </Field>
          )}
          {b.kind === "URL" && (
            <Field label="URL" at={`${at}buttons[${i}].url`} issues={props.issues} hint="A variable may end it: …/track/{{1}}">
              <input id={`${id}${i}-url`} value={b.url} spellCheck={false} placeholder="https://shop.example.com/track/{{1}}" onChange={(e) => set(i, { url: e.target.value })} />
            </Field>
          )}
          {b.kind === "URL" && b.url.includes("{{") && (
            <Field label="Sample for the URL's variable" at={`${at}buttons[${i}].url_sample`} issues={props.issues}>
              <input id={`${id}${i}-sample`} value={b.url_sample} onChange={(e) => set(i, { url_sample: e.target.value })} />
            </Field>
          )}
          {b.kind === "PHONE_NUMBER" && (
            <Field label="Phone number" at={`${at}buttons[${i}].phone_number`} issues={props.issues}>
              <input id={`${id}${i}-phone`} value={b.phone_number} placeholder="+15550051310" onChange={(e) => set(i, { phone_number: e.target.value })} />
            </Field>
          )}
          {b.kind === "COPY_CODE" && (
            <Field label="Sample code" at={`${at}buttons[${i}].code_sample`} issues={props.issues}>
              <input id={`${id}${i}-code`} value={b.code_sample} onChange={(e) => set(i, { code_sample: e.target.value })} />
            </Field>
          )}
          {b.kind === "OTP" && (
            <label className="field">
              <span>Password type</span>
              <select value={b.otp_type} onChange={(e) => set(i, { otp_type: e.target.value })}>
                <option value="COPY_CODE">Copy code</option>
                <option value="ONE_TAP">One-tap autofill</option>
                <option value="ZERO_TAP">Zero-tap</option>
              </select>
            </label>
          )}
          {structure && (
            <div className="form__actions">
              <button type="button" disabled={i === 0} aria-label={`Move button ${i + 1} up`} onClick={() => structure((bs) => swap(bs, i, i - 1))}>
                ↑
              </button>
              <button type="button" disabled={i === props.buttons.length - 1} aria-label={`Move button ${i + 1} down`} onClick={() => structure((bs) => swap(bs, i, i + 1))}>
                ↓
              </button>
              <button type="button" aria-label={`Remove button ${i + 1}`} onClick={() => structure((bs) => bs.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          )}
        </fieldset>
      ))}
      {structure && kinds.length > 0 && (
        <div className="toolbar">
          <label className="field">
            <span>Button type</span>
            <select id={`${addId}-kind`} value={addKind} onChange={(e) => setAddKind(e.target.value)}>
              {kinds.map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" id={`${addId}-button`} disabled={full} onClick={() => structure((bs) => [...bs, newButton(addKind)])}>
            Add button
          </button>
          {full && <span className="hint">At most {props.max} buttons.</span>}
        </div>
      )}
    </>
  );
}
