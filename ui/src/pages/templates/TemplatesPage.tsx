import { EmptyState } from "../../lib/components/EmptyState";
import { Page } from "../../lib/components/Page";

export function TemplatesPage() {
  return (
    <Page
      id="templates"
      title="Templates"
      lead="Message templates: build, preview, submit for review and test-send."
    >
      <EmptyState title="No templates synced" icon="▤">
        <p>
          Templates belong to a number's WhatsApp Business Account. Add a number, then sync its
          templates to browse them here, even offline.
        </p>
        <p className="hint">
          Meta reviews every new template; its status is checked by syncing, because template
          status changes are not sent to a number's webhook.
        </p>
      </EmptyState>
    </Page>
  );
}
