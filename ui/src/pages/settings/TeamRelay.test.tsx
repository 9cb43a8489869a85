import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { RelayStatus } from "../../lib/ipc/bindings/RelayStatus";
import { TeamRelay } from "./TeamRelay";

const OFF: RelayStatus = { connected: false, url: null, token_name: null, cursor: 0, last_sync_at: null, last_error: null };
const ON: RelayStatus = {
  connected: true, url: "https://relay.example.com", token_name: "front desk", cursor: 42,
  last_sync_at: "2026-12-01T10:00:00Z", last_error: null,
};

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Settings → Team relay", () => {
  it("verifies the token with the relay, shows the subscription, catches up and disconnects", async () => {
    const calls: Record<string, unknown>[] = [];
    let status = OFF;
    mockIPC((cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      if (cmd.startsWith("plugin:event|")) return 0;
      switch (cmd) {
        case "relay_status":
          return status;
        case "relay_connect":
          calls.push({ cmd, ...a });
          if (a.token !== "wdr_good") throw { code: "validation", message: "the relay does not accept this token (unknown or revoked)", field: "token" };
          status = ON;
          return ON;
        case "relay_sync":
          return { fetched: 3, new: 2, cursor: 45 };
        case "relay_disconnect":
          status = OFF;
          return OFF;
        default:
          throw new Error(`unexpected ${cmd}`);
      }
    });
    render(<TeamRelay />);
    const url = await screen.findByLabelText("Relay address");
    fireEvent.change(url, { target: { value: "https://relay.example.com" } });
    fireEvent.change(screen.getByLabelText("Access token"), { target: { value: "wdr_bad" } });
    fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    expect(await screen.findByText(/does not accept this token/)).toBeTruthy();
    expect(screen.queryByText("front desk")).toBeNull();

    fireEvent.change(screen.getByLabelText("Access token"), { target: { value: "wdr_good" } });
    fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    expect(await screen.findByText("front desk")).toBeTruthy();
    expect(calls.at(-1)).toMatchObject({ url: "https://relay.example.com", token: "wdr_good" });
    expect(screen.getByText("up to #42")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Catch up now" }));
    expect(await screen.findByText("Fetched 3, 2 new.")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Disconnect" }));
    await waitFor(() => expect(screen.getByLabelText("Relay address")).toBeTruthy());
  });
});
