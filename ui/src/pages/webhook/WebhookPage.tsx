import { EmptyState } from "../../lib/components/EmptyState";
import { Page } from "../../lib/components/Page";

export function WebhookPage() {
  return (
    <Page
      id="webhook"
      title="Webhook"
      lead="Where 360dialog sends incoming messages and delivery statuses for each number."
    >
      <EmptyState title="No number to configure" icon="⇄">
        <p>
          Add a number first. Then you can read and change its webhook URL and headers, add up to
          three destinations, and test an endpoint before 360dialog relies on it.
        </p>
        <p className="hint">
          360dialog requires HTTPS, no underscore in the host name and no port; WABA Desk checks
          these before saving.
        </p>
      </EmptyState>
    </Page>
  );
}
