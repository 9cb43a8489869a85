import type { MessageView } from "../../lib/ipc/bindings/MessageView";

/** What later webhooks changed on a message: the customer's reaction, an edit, a deletion. */
export function MessageMarks(props: { message: MessageView }) {
  const m = props.message;
  return (
    <>
      {m.deleted_at && (
        <span className="badge badge--warn" data-mark="deleted" title={`Deleted by the customer ${m.deleted_at}`}>
          deleted
        </span>
      )}
      {m.edited_at && (
        <span className="badge badge--key-none" data-mark="edited" title={`Edited ${m.edited_at}`}>
          edited
        </span>
      )}
      {m.reaction && (
        <span className="reaction" data-mark="reaction" aria-label={`reaction ${m.reaction}`}>
          {m.reaction}
        </span>
      )}
    </>
  );
}
