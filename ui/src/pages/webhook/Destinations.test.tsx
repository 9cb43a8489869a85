import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MultiWebhook } from "../../lib/ipc/bindings/MultiWebhook";
import { Destinations } from "./Destinations";

let multi: MultiWebhook;
let calls: { cmd: string; args: Record<string, unknown> }[];

beforeEach(() => {
  calls = [];
  multi = {
    enabled: true,
    destinations: [
      { name: "copy", url: "https://copy.example.com/in", headers: { Authorization: "Basic abc" } },
      { name: "crm", url: "https://crm.example.com/wa", headers: {} },
    ],
  };
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case "get_destinations":
        return multi;
      case "check_webhook_url":
        return a.url;
      case "check_webhook_headers":
        return { max: 10, problems: (a.rows as unknown[]).map(() => ({ name: null, value: null })) };
      case "save_destination": {
        const d = a.destination as MultiWebhook["destinations"][number];
        multi = { ...multi, destinations: multi.destinations.map((x) => (x.name === d.name ? d : x)) };
        return multi;
      }
      case "remove_destination":
        multi = { ...multi, destinations: multi.destinations.filter((x) => x.name !== a.name) };
        return multi;
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  });
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Extra destinations", () => {
  it("edits a destination's URL keeping its name and headers", async () => {
    render(<Destinations numberId={7} />);
    fireEvent.click(await screen.findByRole("button", { name: "Edit copy" }));
    expect((document.getElementById("dest-name") as HTMLInputElement).readOnly).toBe(true);
    expect((screen.getByLabelText("Destination header 1 value") as HTMLInputElement).value).toBe("Basic abc");
    fireEvent.change(screen.getByLabelText("Destination URL"), { target: { value: "https://copy2.example.com/in" } });
    fireEvent.submit(screen.getByRole("form", { name: "Edit destination copy" }));
    await waitFor(() => expect(document.querySelector("[data-destination='copy']")?.textContent).toContain("copy2.example.com"));
    expect(calls.find((c) => c.cmd === "save_destination")?.args).toEqual({
      id: 7,
      destination: { name: "copy", url: "https://copy2.example.com/in", headers: { Authorization: "Basic abc" } },
    });
  });

  it("removes a destination after confirming", async () => {
    render(<Destinations numberId={7} />);
    fireEvent.click(await screen.findByRole("button", { name: "Remove crm…" }));
    expect(calls.some((c) => c.cmd === "remove_destination")).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Remove crm" }));
    await waitFor(() => expect(document.querySelector("[data-destination='crm']")).toBeNull());
    expect(calls.find((c) => c.cmd === "remove_destination")?.args).toEqual({ id: 7, name: "crm" });
    expect(document.querySelector("[data-destination='copy']")).toBeTruthy();
  });
});
