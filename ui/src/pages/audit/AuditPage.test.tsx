import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../App";
import type { AuditEntry } from "../../lib/ipc/bindings/AuditEntry";

function entry(id: number, action: string): AuditEntry {
  return {
    id, at: new Date().toISOString(), number_id: null, number_phone: "+15550000100", action, actor: "ui",
    old_fingerprint: null, new_fingerprint: null, detail: "",
  };
}

let rows: AuditEntry[];

beforeEach(() => {
  location.hash = "#/audit";
  rows = [entry(1, "number_added")];
  mockIPC((cmd) => {
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [];
      case "list_audit":
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
    await screen.findByText("number added");
    expect((document.getElementById("audit-number") as HTMLSelectElement).options[0].textContent).toBe("All numbers");
    rows = [entry(2, "key_set"), ...rows];
    await emit("app://changed", { topic: "audit", numberId: null });
    await waitFor(() => expect(document.querySelectorAll("#audit-table tbody tr")).toHaveLength(2));
  });
});
