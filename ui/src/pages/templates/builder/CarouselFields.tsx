import type { ButtonDraft } from "../../../lib/ipc/bindings/ButtonDraft";
import type { CardDraft } from "../../../lib/ipc/bindings/CardDraft";
import type { DraftCheck } from "../../../lib/ipc/bindings/DraftCheck";
import { newCard } from "../../../lib/templates";
import { LIMITS } from "../../../lib/vocabulary";
import { BodyFields, type Source } from "./BodyFields";
import { ButtonsEditor } from "./ButtonsEditor";
import { Field, Issues, type PartProps, swap } from "./fields";
import { MediaHandleField } from "./HeaderFields";

/**
 * Carousels (marketing): the message body, then 2–10 cards. Every card is alike: the header
 * type and the buttons (their types and order) are chosen once for all cards; each card has its
 * own media sample, text and button labels.
 */
export function CarouselFields(props: PartProps & { check: DraftCheck | null; source: Source | null }) {
  const { draft, set, issues, check } = props;
  const cards = draft.cards;
  const format = cards[0]?.header.format ?? "IMAGE";
  const product = format === "PRODUCT";
  const setCard = (i: number, patch: Partial<CardDraft>) => set({ cards: cards.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  /** A change of the buttons' structure, applied to every card so they stay alike. */
  const structure = (change: (buttons: ButtonDraft[]) => ButtonDraft[]) => set({ cards: cards.map((c) => ({ ...c, buttons: change(c.buttons) })) });
  const full = cards.length >= LIMITS.carousel_cards_max;
  return (
    <>
      <fieldset>
        <legend>Message body</legend>
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
        <p className="hint">A carousel has no header, footer or buttons outside its cards.</p>
      </fieldset>
      <fieldset aria-label="Cards">
        <legend>
          Cards ({cards.length} of {LIMITS.carousel_cards_min}–{LIMITS.carousel_cards_max})
        </legend>
        <Issues at="cards" issues={issues} />
        {!product && (
          <div className="form__grid">
            <Field label="Card header (all cards)" at="cards[0].header.format" issues={issues}>
              <select id="tpl-card-format" value={format} onChange={(e) => set({ cards: cards.map((c) => ({ ...c, header: { ...c.header, format: e.target.value } })) })}>
                {!["IMAGE", "VIDEO"].includes(format) && <option value={format}>{format || "—"}</option>}
                <option value="IMAGE">Image</option>
                <option value="VIDEO">Video</option>
              </select>
            </Field>
          </div>
        )}
        {product && <p className="hint">Product cards show a product from the catalog; the product is given with each send.</p>}
        <div className="card-editors">
          {cards.map((card, i) => (
            <fieldset className="card-editor" key={i} aria-label={`Card ${i + 1}`} data-card={i}>
              <legend>Card {i + 1}</legend>
              <Issues at={`cards[${i}]`} issues={issues} />
              {card.header.format !== format && <Issues at={`cards[${i}].header.format`} issues={issues} />}
              {["IMAGE", "VIDEO"].includes(card.header.format) && (
                <MediaHandleField
                  header={card.header}
                  onChange={(patch) => setCard(i, { header: { ...card.header, ...patch } })}
                  issues={issues}
                  at={`cards[${i}].header.`}
                  id={`tpl-card-${i}-handle`}
                  label={`Sample ${card.header.format.toLowerCase()} handle`}
                />
              )}
              <BodyFields
                body={card.body}
                samples={card.body_samples}
                named={draft.named}
                placeholders={check?.card_placeholders?.[i] ?? []}
                onChange={(p) => setCard(i, { ...(p.body !== undefined && { body: p.body }), ...(p.samples && { body_samples: p.samples }) })}
                issues={issues}
                max={LIMITS.card_body_max}
                label="Card text (optional; on every card or none)"
                at={`cards[${i}].`}
                idPrefix={`tpl-card-${i}-`}
                rows={2}
              />
              <ButtonsEditor
                buttons={card.buttons}
                onChange={(buttons) => setCard(i, { buttons })}
                onStructure={i === 0 ? structure : undefined}
                issues={issues}
                at={`cards[${i}].`}
                idPrefix={`tpl-card-${i}-button-`}
                addId="tpl-card-add"
                kinds={product ? ["SPM", "URL"] : ["QUICK_REPLY", "URL", "PHONE_NUMBER"]}
                max={LIMITS.card_buttons_max}
              />
              {i === 0 && cards.length > 1 && <p className="hint">Buttons added, moved or removed here change every card.</p>}
              <div className="form__actions">
                <button type="button" disabled={i === 0} aria-label={`Move card ${i + 1} left`} onClick={() => set({ cards: swap(cards, i, i - 1) })}>
                  ←
                </button>
                <button type="button" disabled={i === cards.length - 1} aria-label={`Move card ${i + 1} right`} onClick={() => set({ cards: swap(cards, i, i + 1) })}>
                  →
                </button>
                <button type="button" aria-label={`Remove card ${i + 1}`} onClick={() => set({ cards: cards.filter((_, j) => j !== i) })}>
                  Remove card
                </button>
              </div>
            </fieldset>
          ))}
        </div>
        <div className="toolbar">
          <button type="button" id="tpl-add-card" disabled={full} onClick={() => set({ cards: [...cards, newCard(cards[cards.length - 1] ?? null, format)] })}>
            Add card
          </button>
          {full && <span className="hint">At most {LIMITS.carousel_cards_max} cards.</span>}
        </div>
      </fieldset>
    </>
  );
}
