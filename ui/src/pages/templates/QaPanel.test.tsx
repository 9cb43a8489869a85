import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { QaRun } from "../../lib/ipc/bindings/QaRun";
import { QaPanel } from "./QaPanel";

type Result = QaRun["results"][number];

const COMPONENTS = [
  { type: "HEADER", format: "TEXT", text: "Bestellung {{1}}" },
  { type: "BODY", text: "Hallo {{1}}, deine Bestellung kommt am {{2}}." },
];

function result(language: string, patch: Partial<Result> = {}): Result {
  return {
    language, wamid: null, error: null, status: null, sent_at: null, delivered_at: null, read_at: null, failed_at: null,
    rendered: null, values: {}, components: null, verdict: null, note: "", signed_at: null, signer: null, earlier: [],
    ...patch,
  };
}

function run(patch: Partial<Result> = {}): QaRun {
  return {
    id: 3, number_id: 7, name: "order_shipped", recipient: "4915123456789", started_at: "2026-11-25T10:00:00.000Z",
    sender_phone: "+15550000200", sender_label: "QA Shop",
    results: [
      result("de", {
        wamid: "wamid.A", status: "delivered", sent_at: "2026-11-25T10:00:01.000Z", delivered_at: "2026-11-25T10:00:02.000Z",
        rendered: "Bestellung D-1\n\nHallo Jana, deine Bestellung kommt am Montag.",
        values: { "header.1": "D-1", "body.1": "Jana", "body.2": "Montag" }, components: COMPONENTS, ...patch,
      }),
      result("en_US", { error: "360dialog answered HTTP 400, error 132000" }),
    ],
  };
}

const PREFS = { theme: "system", last_number: null, base_urls: {}, default_environment: null, your_name: "Quinn Tester", downloads_dir: null };

const statusOf = (language: string) => document.querySelector(`[data-language='${language}'] [data-status]`)?.textContent;
const seeStatus = (language: string, status: string) => waitFor(() => expect(statusOf(language)).toBe(status));

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
        case "get_preferences":
          return PREFS;
        case "qa_recent_recipients":
          return ["4915123456789", "4915100000009"];
        case "reveal_export":
          return null;
        case "run_qa":
          runs = [run()];
          return runs[0];
        case "sign_off":
          runs = [run({ verdict: a.verdict as "pass", note: a.note as string, signed_at: "2026-11-25T10:05:00.000Z", signer: "Quinn Tester" })];
          return runs[0];
        case "change_sign_off":
          runs = [
            run({
              verdict: a.verdict as "fail", note: a.note as string, signed_at: "2026-11-25T10:06:00.000Z", signer: "Quinn Tester",
              earlier: [{ verdict: "pass", note: "looks right", signer: "Quinn Tester", signed_at: "2026-11-25T10:05:00.000Z" }],
            }),
          ];
          return runs[0];
        case "export_qa_report":
          return `/home/u/Downloads/wabadesk-qa-3.${a.format === "csv" ? "csv" : a.format === "html" ? "html" : "md"}`;
        default:
          throw new Error(`unexpected ${cmd}`);
      }
    });
    render(<QaPanel numberId={7} name="order_shipped" approved={2} onClose={() => {}} />);
    // Recent recipients are offered.
    fireEvent.click(await screen.findByRole("button", { name: "Use recipient 4915100000009" }));
    expect((screen.getByLabelText("Test recipient") as HTMLInputElement).value).toBe("4915100000009");
    fireEvent.change(screen.getByLabelText("Test recipient"), { target: { value: "4915123456789" } });
    fireEvent.click(screen.getByRole("button", { name: "Run QA" }));
    await seeStatus("de", "delivered");
    expect(screen.getByText(/error 132000/)).toBeTruthy();
    expect(calls.find((c) => c.cmd === "run_qa")?.args).toMatchObject({ numberId: 7, name: "order_shipped", recipient: "4915123456789" });

    // What was sent: the bubble with the actual values, the values, the numbers on both ends.
    const sent = screen.getByRole("group", { name: "Message sent in de" });
    expect(sent.textContent).toContain("Bestellung D-1");
    expect(sent.textContent).toContain("Hallo Jana, deine Bestellung kommt am Montag.");
    const params = screen.getByLabelText("Parameters sent in de");
    expect(params.textContent).toContain("body.2");
    expect(params.textContent).toContain("Montag");
    expect(document.getElementById("qa-from")?.textContent).toBe("QA Shop (+15550000200)");
    expect(document.getElementById("qa-to")?.textContent).toBe("4915123456789");
    expect(screen.getByText(/Signing as/).textContent).toContain("Quinn Tester");

    fireEvent.change(screen.getByLabelText("Note for de"), { target: { value: "looks right" } });
    fireEvent.click(screen.getByRole("button", { name: "Pass de" }));
    await waitFor(() => expect(document.querySelector("[data-language='de'] [data-verdict='pass']")).toBeTruthy());
    expect(calls.find((c) => c.cmd === "sign_off")?.args).toEqual({ runId: 3, language: "de", verdict: "pass", note: "looks right" });
    // Signed: locked, names the signer; Pass/Fail are gone until "Change verdict…".
    const row = document.querySelector("[data-language='de']")!;
    expect(row.getAttribute("data-locked")).toBe("true");
    expect(row.querySelector("[data-signer]")?.getAttribute("data-signer")).toBe("Quinn Tester");
    expect(screen.queryByRole("button", { name: "Pass de" })).toBeNull();
    expect(screen.queryByLabelText("Note for de")).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Change verdict of de" }));
    fireEvent.change(screen.getByLabelText("Reason for changing de"), { target: { value: "footer missing" } });
    fireEvent.click(screen.getByRole("button", { name: "Fail de" }));
    await waitFor(() => expect(document.querySelector("[data-language='de'] [data-verdict='fail']")).toBeTruthy());
    expect(calls.find((c) => c.cmd === "change_sign_off")?.args).toEqual({ runId: 3, language: "de", verdict: "fail", note: "footer missing" });
    expect(screen.getByLabelText("Earlier sign-offs of de").textContent).toMatch(/pass by Quinn Tester/);

    fireEvent.click(screen.getByRole("button", { name: "Export report (CSV)" }));
    await screen.findByText("/home/u/Downloads/wabadesk-qa-3.csv");
    fireEvent.click(screen.getByRole("button", { name: "Export report (printable page)" }));
    await screen.findByText("/home/u/Downloads/wabadesk-qa-3.html");
    fireEvent.click(screen.getByRole("button", { name: "Open folder" }));
    await waitFor(() => expect(calls.find((c) => c.cmd === "reveal_export")?.args).toEqual({ path: "/home/u/Downloads/wabadesk-qa-3.html" }));
  });

  it("asks for a name in Settings before a sign-off", async () => {
    mockIPC((cmd) => {
      if (cmd === "qa_runs") return [run()];
      if (cmd === "get_preferences") return { ...PREFS, your_name: null };
      if (cmd === "qa_recent_recipients") return [];
      throw new Error(`unexpected ${cmd}`);
    });
    render(<QaPanel numberId={7} name="order_shipped" approved={2} onClose={() => {}} />);
    await screen.findByText(/Set “Your name” in Settings first/);
    expect((screen.getByRole("button", { name: "Pass de" }) as HTMLButtonElement).disabled).toBe(true);
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
      if (cmd === "get_preferences") return PREFS;
      if (cmd === "qa_recent_recipients") return [];
      throw new Error(`unexpected ${cmd}`);
    }, { shouldMockEvents: true });
    render(<QaPanel numberId={7} name="order_shipped" approved={2} onClose={() => {}} />);
    await seeStatus("de", "sent");
    expect(reads).toBe(1);
    runs = [run({ status: "delivered" })];
    await emit("app://changed", { topic: "messages", numberId: 7 });
    await seeStatus("de", "delivered");
    expect(reads).toBe(2);
    expect(intervals.mock.calls.filter(([, ms]) => (ms ?? 0) >= 500)).toEqual([]);
  });
});
