import { EmptyState } from "../../lib/components/EmptyState";
import { Page } from "../../lib/components/Page";

export function SendPage() {
  return (
    <Page id="send" title="Send" lead="Test-send an approved template or a text message.">
      <EmptyState title="Nothing to send from yet" icon="➤">
        <p>
          Sending needs a number with a verified API key and, outside a contact's 24-hour
          customer-service window, an approved template.
        </p>
        <p className="hint">
          Every message sent from here is recorded in History with its delivery status.
        </p>
      </EmptyState>
    </Page>
  );
}
