import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../App";
import type { NumberView } from "./ipc/bindings/NumberView";
import type { ProfileStatus } from "./ipc/commands";

function demoNumber(id: number, label: string): NumberView {
  return {
    id,
    phone: `+1555000010${id}`,
    label,
    environment: "simulator",
    base_url: "http://127.0.0.1:43123",
    base_url_override: "http://127.0.0.1:43123",
    notes: "",
    key_state: "verified",
    key_hint: "••••abcd",
    key_fingerprint: "ab12cd34",
    key_set_at: null,
    key_verified_at: null,
    phone_number_id: null,
    waba_id: null,
    health: null,
    health_checked_at: new Date().toISOString(),
    created_at: "2026-11-25T00:00:00Z",
    updated_at: "2026-11-25T00:00:00Z",
  };
}

const MINE: ProfileStatus = { demo: false, demoRequested: false, dataDir: "/home/u/.local/share/wabadesk", demoInfo: null };
const DEMO: ProfileStatus = {
  demo: true,
  demoRequested: false,
  dataDir: "/home/u/.local/share/wabadesk/demo",
  demoInfo: { data_dir: "/home/u/.local/share/wabadesk/demo", sim_url: "http://127.0.0.1:43123", inbox_url: "http://127.0.0.1:43124/webhook", numbers: [] },
};

let calls: string[] = [];
let profile: ProfileStatus = MINE;

function backend(requested = false) {
  calls = [];
  profile = { ...MINE, demoRequested: requested };
  mockIPC((cmd, args) => {
    calls.push(cmd);
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "profile_status":
        return profile;
      case "list_numbers":
        return profile.demo ? [demoNumber(1, "Demo Shop"), demoNumber(2, "Demo Support")] : [];
      case "start_demo": {
        const channel = a.onProgress as { onmessage: (s: string) => void };
        channel.onmessage("Starting the simulator");
        channel.onmessage("Adding the number \"Demo Shop\"");
        profile = DEMO;
        return profile;
      }
      case "leave_demo":
        profile = MINE;
        return profile;
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  });
}

beforeEach(() => {
  location.hash = "#/numbers";
});

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("demo profile", () => {
  it("starts from the empty Numbers page, shows the banner, and goes back in one click", async () => {
    backend();
    render(<App />);
    await screen.findByText("No numbers yet");
    expect(screen.queryByText("Demo — nothing leaves this computer")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Try it with a demo account" }));

    expect(await screen.findByText("Demo — nothing leaves this computer")).toBeTruthy();
    expect(calls).toContain("start_demo");
    // The demo profile's numbers, read afresh.
    expect(await screen.findByRole("button", { name: "Demo Shop" })).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Back to my profile" }));
    await screen.findByText("No numbers yet");
    expect(calls).toContain("leave_demo");
    expect(screen.queryByText("Demo — nothing leaves this computer")).toBeNull();
  });

  it("shows the set-up steps as they happen", async () => {
    backend();
    let release: () => void = () => {};
    const wait = new Promise<void>((r) => (release = r));
    mockIPC(async (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      if (cmd === "get_preferences") return { theme: "system", last_number: null, base_urls: {} };
      if (cmd === "profile_status") return MINE;
      if (cmd === "list_numbers") return [];
      if (cmd === "start_demo") {
        (a.onProgress as { onmessage: (s: string) => void }).onmessage("Starting the simulator");
        await wait;
        return DEMO;
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "Try it with a demo account" }));
    const steps = await screen.findByRole("status", { name: "Demo set-up" });
    await waitFor(() => expect(steps.textContent).toContain("Starting the simulator"));
    expect(screen.getByRole("button", { name: "Setting up the demo…" })).toHaveProperty("disabled", true);
    release();
    expect(await screen.findByText("Demo — nothing leaves this computer")).toBeTruthy();
  });

  it("starts the demo by itself when the app was started with --demo", async () => {
    backend(true);
    render(<App />);
    expect(await screen.findByText("Demo — nothing leaves this computer")).toBeTruthy();
    expect(calls.filter((c) => c === "start_demo")).toHaveLength(1);
  });
});
