import type { DraftCheck } from "../../../lib/ipc/bindings/DraftCheck";
import { LIMITS } from "../../../lib/vocabulary";
import { BodyFields, type Source } from "./BodyFields";
import { ButtonsEditor } from "./ButtonsEditor";
import { Field, type PartProps } from "./fields";
import { HeaderFields } from "./HeaderFields";

/** Standard templates: header (text, media or location), body, footer and buttons. */
export function StandardFields(props: PartProps & { check: DraftCheck | null; source: Source | null }) {
  const { draft, set, issues, check } = props;
  return (
    <>
      <HeaderFields
        header={draft.header}
        headerPlaceholders={check?.header_placeholders ?? []}
        onChange={(patch) => set({ header: { ...draft.header, ...patch } })}
        issues={issues}
        formats={["NONE", "TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION"]}
      />
      <fieldset>
        <legend>Body</legend>
        <BodyFields
          body={draft.body}
          samples={draft.body_samples}
          named={draft.named}
          placeholders={check?.body_placeholders ?? []}
          onChange={(p) => set({ ...(p.body !== undefined && { body: p.body }), ...(p.samples && { body_samples: p.samples }) })}
          issues={issues}
          max={LIMITS.template_body_max}
          source={props.source}
        />
      </fieldset>
      <fieldset>
        <legend>Footer</legend>
        <Field label="Footer text (optional)" at="footer" issues={issues} hint={`Up to ${LIMITS.footer_max} characters, no variables.`}>
          <input id="tpl-footer" value={draft.footer} onChange={(e) => set({ footer: e.target.value })} />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Buttons</legend>
        <ButtonsEditor
          buttons={draft.buttons}
          onChange={(buttons) => set({ buttons })}
          onStructure={(change) => set({ buttons: change(draft.buttons) })}
          issues={issues}
          kinds={["QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE"]}
        />
      </fieldset>
    </>
  );
}
