import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { QaRun } from "../../lib/ipc/bindings/QaRun";
import { QaPanel } from "./QaPanel";

function run(patch: Partial<QaRun["results"][number]> = {}): QaRun {
  return {
    id: 3, number_id: 7, name: "order_shipped", recipient: "4915123456789", started_at: "2026-11-25T10:00:00.000Z",
    results: [
      { language: "de", wamid: "wamid.A", error: null, status: "delivered", verdict: null, note: "", signed_at: null, ...patch },
      { language: "en_US", wamid: null, error: "360dialog answered HTTP 400, error 132000", status: null, verdict: null, note: "", signed_at: null },
    ],
  };
}

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("QA panel", () => {
  it("reminds of opt-in and notes Türkiye for a +90 test recipient", async () => {
    const { VOCABULARY } = await import("../../lib/vocabulary");
    mockIPC((cmd, args) => {
      if (cmd === "qa_runs") return [];
      if (cmd === "parse_contact") {
        const wa_id = String((args as { input: string }).input).replace(/\D/g, "");
        return { wa_id, e164: `+${wa_id}`, delivery_note: wa_id.startsWith("90") ? VOCABULARY.rules.turkiye : null };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<QaPanel numberId={7} name="order_shipped" approved={2} onClose={() => {}} />);
    expect(document.getElementById("qa-opt-in")?.textContent).toBe(VOCABULARY.rules.opt_in);
    fireEvent.change(screen.getByLabelText("Test recipient"), { target: { value: "+905321234567" } });
    await waitFor(() => expect(document.getElementById("qa-delivery-note")?.textContent).toBe(VOCABULARY.rules.turkiye));
    fireEvent.change(screen.getByLabelText("Test recipient"), { target: { value: "+4915123456789" } });
    await waitFor(() => expect(document.getElementById("qa-delivery-note")).toBeNull());
  });

  it("runs over the approved languages, signs a variant off with its note, exports the report", async () => {
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    let runs: QaRun[] = [];
    mockIPC((cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: a });
      switch (cmd) {
        case "qa_runs":
          return runs;
        case "run_qa":
          runs = [run()];
          return runs[0];
        case "sign_off":
          runs = [run({ verdict: a.verdict as "pass", note: a.note as string, signed_at: "t" })];
          return runs[0];
        case "export_qa_report":
          return `/home/u/Downloads/wabadesk-qa-3.${a.format === "csv" ? "csv" : "md"}`;
        default:
          throw new Error(`unexpected ${cmd}`);
      }
    });
    render(<QaPanel numberId={7} name="order_shipped" approved={2} onClose={() => {}} />);
    fireEvent.change(screen.getByLabelText("Test recipient"), { target: { value: "4915123456789" } });
    fireEvent.click(screen.getByRole("button", { name: "Run QA" }));
    await screen.findByText("delivered");
    expect(screen.getByText(/error 132000/)).toBeTruthy();
    expect(calls.find((c) => c.cmd === "run_qa")?.args).toMatchObject({ numberId: 7, name: "order_shipped", recipient: "4915123456789" });

    fireEvent.change(screen.getByLabelText("Note for de"), { target: { value: "looks right" } });
    fireEvent.click(screen.getByRole("button", { name: "Pass de" }));
    await waitFor(() => expect(document.querySelector("[data-language='de'] [data-verdict='pass']")).toBeTruthy());
    expect(calls.find((c) => c.cmd === "sign_off")?.args).toEqual({ runId: 3, language: "de", verdict: "pass", note: "looks right" });

    fireEvent.click(screen.getByRole("button", { name: "Export report (CSV)" }));
    await screen.findByText("/home/u/Downloads/wabadesk-qa-3.csv");
  });

  it("shows a new delivery status when the core reports it, with no polling", async () => {
    const intervals = vi.spyOn(globalThis, "setInterval");
    let runs: QaRun[] = [run({ status: "sent" })];
    let reads = 0;
    mockIPC((cmd) => {
      if (cmd === "qa_runs") {
        reads++;
        return runs;
      }
      throw new Error(`unexpected ${cmd}`);
    }, { shouldMockEvents: true });
    render(<QaPanel numberId={7} name="order_shipped" approved={2} onClose={() => {}} />);
    await screen.findByText("sent");
    expect(reads).toBe(1);
    runs = [run({ status: "delivered" })];
    await emit("app://changed", { topic: "messages", numberId: 7 });
    await screen.findByText("delivered");
    expect(reads).toBe(2);
    expect(intervals.mock.calls.filter(([, ms]) => (ms ?? 0) >= 500)).toEqual([]);
  });
});
