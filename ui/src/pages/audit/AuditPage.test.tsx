import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../App";
import type { AuditEntry } from "../../lib/ipc/bindings/AuditEntry";
import type { AuditFilter } from "../../lib/ipc/bindings/AuditFilter";
import { VOCABULARY } from "../../lib/ipc/bindings/vocabulary.generated";

function entry(id: number, action: string): AuditEntry {
  return {
    id, at: new Date().toISOString(), number_id: null, number_phone: "+15550000100", action, actor: "ui",
    old_fingerprint: null, new_fingerprint: null, detail: "",
  };
}

let rows: AuditEntry[];
let filters: AuditFilter[];

beforeEach(() => {
  location.hash = "#/audit";
  rows = [entry(1, "number_added")];
  filters = [];
  mockIPC((cmd, args) => {
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [];
      case "list_audit":
        filters.push((args as { filter: AuditFilter }).filter);
        return rows;
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  }, { shouldMockEvents: true });
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Audit page", () => {
  it("offers All numbers and shows a new entry when the core records one", async () => {
    render(<App />);
    await screen.findByText("Number added");
    expect((document.getElementById("audit-number") as HTMLSelectElement).options[0].textContent).toBe("All numbers");
    rows = [entry(2, "key_set"), ...rows];
    await emit("app://changed", { topic: "audit", numberId: null });
    await waitFor(() => expect(document.querySelectorAll("#audit-table tbody tr")).toHaveLength(2));
  });

  it("filters by every action the core records, webhooks, templates and sends included", async () => {
    render(<App />);
    await screen.findByText("Number added");
    const select = document.getElementById("audit-action") as HTMLSelectElement;
    const offered = Array.from(select.options).map((o) => o.value).filter(Boolean);
    expect(offered).toEqual(VOCABULARY.audit_actions.map((a) => a.value));
    expect(offered).toEqual(expect.arrayContaining(["webhook_changed", "template_created", "qa_signed_off", "message_sent", "history_pruned"]));
    fireEvent.change(select, { target: { value: "webhook_changed" } });
    await waitFor(() => expect(filters.at(-1)?.action).toBe("webhook_changed"));
  });
});
