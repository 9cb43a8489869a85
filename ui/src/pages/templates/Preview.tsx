import { Fragment } from "react";
import { formatWhatsApp, type PreviewModel, type Span } from "../../lib/templates";

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

const MEDIA_ICON: Record<string, string> = { IMAGE: "🖼", VIDEO: "▶", DOCUMENT: "📄", LOCATION: "📍" };
const BUTTON_ICON: Record<string, string> = { URL: "↗", PHONE_NUMBER: "📞", COPY_CODE: "⧉", OTP: "⧉", QUICK_REPLY: "↩" };

/** A template as the recipient sees it in WhatsApp: one bubble, buttons under it. */
export function Preview({ model, id }: { model: PreviewModel; id?: string }) {
  const media = MEDIA_ICON[model.headerFormat];
  // WhatsApp shows two buttons and "See all options" beyond three.
  const shown = model.buttons.length > 3 ? model.buttons.slice(0, 2) : model.buttons;
  return (
    <figure className="wa-preview" id={id} aria-label="Preview as the recipient sees it">
      <div className="wa-preview__chat">
        <div className="wa-bubble">
          {media && (
            <div className="wa-bubble__media" data-format={model.headerFormat}>
              <span aria-hidden="true">{media}</span> {model.headerFormat.toLowerCase()}
            </div>
          )}
          {model.headerFormat === "TEXT" && model.headerText && (
            <p className="wa-bubble__header">
              <strong>{model.headerText}</strong>
            </p>
          )}
          <p className="wa-bubble__body">
            {model.body ? <Formatted text={model.body} /> : <span className="muted">Body text appears here</span>}
          </p>
          {model.footer && <p className="wa-bubble__footer">{model.footer}</p>}
          <span className="wa-bubble__time" aria-hidden="true">
            12:00
          </span>
        </div>
        {shown.map((b, i) => (
          <div className="wa-button" key={i} data-kind={b.kind}>
            <span aria-hidden="true">{BUTTON_ICON[b.kind] ?? "•"}</span> {b.text || <span className="muted">Button label</span>}
          </div>
        ))}
        {model.buttons.length > 3 && (
          <div className="wa-button">
            <span aria-hidden="true">☰</span> See all options
          </div>
        )}
      </div>
    </figure>
  );
}
