import type { DraftCheck } from "../../../lib/ipc/bindings/DraftCheck";
import { LIMITS } from "../../../lib/vocabulary";
import { BodyFields, type Source } from "./BodyFields";
import { ButtonsEditor } from "./ButtonsEditor";
import { Field, type PartProps } from "./fields";
import { HeaderFields } from "./HeaderFields";

/**
 * Limited-time offers (marketing): an optional image or video header, the offer strip (its
 * text and whether the expiry shows), the body, and a copy-code and a URL button. No footer.
 */
export function OfferFields(props: PartProps & { check: DraftCheck | null; source: Source | null }) {
  const { draft, set, issues, check } = props;
  return (
    <>
      <HeaderFields
        header={draft.header}
        headerPlaceholders={[]}
        onChange={(patch) => set({ header: { ...draft.header, ...patch } })}
        issues={issues}
        formats={["NONE", "IMAGE", "VIDEO"]}
      />
      <fieldset>
        <legend>Offer</legend>
        <div className="form__grid">
          <Field label="Offer text" at="offer.text" issues={issues} hint={`Up to ${LIMITS.offer_text_max} characters, e.g. “Expiring offer!”.`}>
            <input id="tpl-offer-text" value={draft.offer.text} placeholder="Expiring offer!" onChange={(e) => set({ offer: { ...draft.offer, text: e.target.value } })} />
          </Field>
        </div>
        <label className="checkbox">
          <input id="tpl-offer-expiry" type="checkbox" checked={draft.offer.has_expiration} onChange={(e) => set({ offer: { ...draft.offer, has_expiration: e.target.checked } })} />
          Show when the offer ends (a countdown; the end time is given with each send)
        </label>
      </fieldset>
      <fieldset>
        <legend>Body</legend>
        <BodyFields
          body={draft.body}
          samples={draft.body_samples}
          named={draft.named}
          placeholders={check?.body_placeholders ?? []}
          onChange={(p) => set({ ...(p.body !== undefined && { body: p.body }), ...(p.samples && { body_samples: p.samples }) })}
          issues={issues}
          max={LIMITS.offer_body_max}
          source={props.source}
        />
        <p className="hint">Limited-time offers have no footer.</p>
      </fieldset>
      <fieldset>
        <legend>Buttons</legend>
        <p className="hint">A URL button, and optionally a copy-code button with the offer code (up to {LIMITS.offer_code_max} characters).</p>
        <ButtonsEditor
          buttons={draft.buttons}
          onChange={(buttons) => set({ buttons })}
          onStructure={(change) => set({ buttons: change(draft.buttons) })}
          issues={issues}
          kinds={["COPY_CODE", "URL"]}
          max={2}
        />
      </fieldset>
    </>
  );
}
