import { Fragment } from "react";
import { useSamplePreview } from "../../lib/samplePreviews";
import { formatWhatsApp, type PreviewButton, type PreviewModel, type Span } from "../../lib/templates";

function Formatted({ text }: { text: string }) {
  const lines = text.split("\n");
  return (
    <>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 && <br />}
          {formatWhatsApp(line).map((s: Span, j) => {
            let node: React.ReactNode = s.text;
            if (s.mono) node = <code>{node}</code>;
            if (s.strike) node = <s>{node}</s>;
            if (s.italic) node = <em>{node}</em>;
            if (s.bold) node = <strong>{node}</strong>;
            return <Fragment key={j}>{node}</Fragment>;
          })}
        </Fragment>
      ))}
    </>
  );
}

const MEDIA_ICON: Record<string, string> = { IMAGE: "🖼", VIDEO: "▶", DOCUMENT: "📄", PRODUCT: "🛍" };
const BUTTON_ICON: Record<string, string> = { URL: "↗", PHONE_NUMBER: "📞", COPY_CODE: "⧉", OTP: "⧉", QUICK_REPLY: "↩", SPM: "🛍", CATALOG: "🛍", MPM: "🛍", FLOW: "☰" };

function Buttons({ buttons }: { buttons: PreviewButton[] }) {
  // WhatsApp shows two buttons and "See all options" beyond three.
  const shown = buttons.length > 3 ? buttons.slice(0, 2) : buttons;
  return (
    <>
      {shown.map((b, i) => (
        <div className="wa-button" key={i} data-kind={b.kind}>
          <span aria-hidden="true">{BUTTON_ICON[b.kind] ?? "•"}</span> {b.text || <span className="muted">Button label</span>}
        </div>
      ))}
      {buttons.length > 3 && (
        <div className="wa-button">
          <span aria-hidden="true">☰</span> See all options
        </div>
      )}
    </>
  );
}

function Media({ format, handle }: { format: string; handle?: string }) {
  const icon = MEDIA_ICON[format];
  const sample = useSamplePreview(handle);
  if (!icon) return null;
  if (sample && format === "IMAGE")
    return (
      <div className="wa-bubble__media wa-bubble__media--sample" data-format={format}>
        <img src={sample.url} alt={`Sample image ${sample.name}`} />
      </div>
    );
  if (sample && format === "VIDEO")
    return (
      <div className="wa-bubble__media wa-bubble__media--sample" data-format={format}>
        <video src={sample.url} muted preload="metadata" aria-label={`Sample video ${sample.name}`} />
      </div>
    );
  if (sample)
    return (
      <div className="wa-bubble__media" data-format={format}>
        <span aria-hidden="true">{icon}</span> {sample.name || format.toLowerCase()}
      </div>
    );
  return (
    <div className="wa-bubble__media" data-format={format}>
      <span aria-hidden="true">{icon}</span> {format.toLowerCase()}
    </div>
  );
}

/** A template as the recipient sees it in WhatsApp: one bubble, buttons under it; a carousel's cards in a row below. */
export function Preview({ model, id }: { model: PreviewModel; id?: string }) {
  const cards = model.cards ?? [];
  return (
    <figure className="wa-preview" id={id} aria-label="Preview as the recipient sees it">
      <div className="wa-preview__chat">
        <div className="wa-bubble">
          <Media format={model.headerFormat} handle={model.headerHandle} />
          {model.headerFormat === "LOCATION" && (
            <div className="wa-bubble__map" data-format="LOCATION" aria-label="Location">
              <div className="wa-bubble__map-pin" aria-hidden="true">
                📍
              </div>
              <p className="wa-bubble__map-name">{model.location?.name}</p>
              <p className="wa-bubble__map-address muted">{model.location?.address}</p>
            </div>
          )}
          {model.headerFormat === "TEXT" && model.headerText && (
            <p className="wa-bubble__header">
              <strong>{model.headerText}</strong>
            </p>
          )}
          {model.offer && (
            <div className="wa-offer" aria-label="Offer">
              <span className="wa-offer__icon" aria-hidden="true">
                🎁
              </span>
              <div>
                <p className="wa-offer__text">
                  <strong>{model.offer.text || <span className="muted">Offer text</span>}</strong>
                </p>
                {model.offer.expiry && <p className="wa-offer__expiry">{model.offer.expiry}</p>}
                {model.offer.code && <p className="wa-offer__code mono">Code {model.offer.code}</p>}
              </div>
            </div>
          )}
          <p className="wa-bubble__body">
            {model.body ? <Formatted text={model.body} /> : <span className="muted">Body text appears here</span>}
          </p>
          {model.footer && <p className="wa-bubble__footer">{model.footer}</p>}
          {(model.others ?? []).map((o, i) => (
            <p className="wa-bubble__other muted" key={i}>
              [{o}]
            </p>
          ))}
          <span className="wa-bubble__time" aria-hidden="true">
            12:00
          </span>
        </div>
        <Buttons buttons={model.buttons} />
        {cards.length > 0 && (
          <div className="wa-carousel" role="list" aria-label="Cards">
            {cards.map((c, i) => (
              <div className="wa-card" role="listitem" key={i} data-card={i}>
                <Media format={c.headerFormat} handle={c.headerHandle} />
                {c.body && (
                  <p className="wa-card__body">
                    <Formatted text={c.body} />
                  </p>
                )}
                <Buttons buttons={c.buttons} />
              </div>
            ))}
          </div>
        )}
      </div>
    </figure>
  );
}
