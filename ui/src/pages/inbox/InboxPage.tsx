import { EmptyState } from "../../lib/components/EmptyState";
import { Page } from "../../lib/components/Page";

export function InboxPage() {
  return (
    <Page
      id="inbox"
      title="Inbox"
      lead="A local webhook receiver that captures events into History."
    >
      <EmptyState title="The inbox has captured nothing yet" icon="⬇">
        <p>
          The inbox answers 360dialog at once, stores every event before processing it, and
          ignores retried duplicates. You can also import payloads captured elsewhere.
        </p>
        <p className="hint">
          Statuses (sent, delivered, read, failed) reach WABA Desk only through captured webhook
          events.
        </p>
      </EmptyState>
    </Page>
  );
}
