import { EmptyState } from "../../lib/components/EmptyState";
import { Page } from "../../lib/components/Page";

export function NumbersPage() {
  return (
    <Page
      id="numbers"
      title="Numbers"
      lead="Your WhatsApp business numbers and their 360dialog API keys."
    >
      <EmptyState title="No numbers yet" icon="☎">
        <p>
          Add a number by its phone number and paste the API key 360dialog issued for it. The key
          is checked against the API, then kept only in your OS keyring: WABA Desk shows its last
          four characters and a fingerprint, never the key itself.
        </p>
        <p className="hint">
          Only the newest key of a number is valid. When someone generates a new key in the
          360dialog Hub, paste it here and the old one is retired.
        </p>
      </EmptyState>
    </Page>
  );
}
