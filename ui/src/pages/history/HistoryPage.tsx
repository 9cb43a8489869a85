import { EmptyState } from "../../lib/components/EmptyState";
import { Page } from "../../lib/components/Page";

export function HistoryPage() {
  return (
    <Page
      id="history"
      title="History"
      lead="Every message sent and every webhook event received, with its status."
    >
      <EmptyState title="No messages recorded" icon="◷">
        <p>
          Neither Meta nor 360dialog keeps a message history you can look up. WABA Desk records
          what it sends and what its inbox receives, so this list starts with your first send or
          your first captured webhook event.
        </p>
      </EmptyState>
    </Page>
  );
}
