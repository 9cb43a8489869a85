import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { RelayStatus } from "../../lib/ipc/bindings/RelayStatus";
import { TeamRelay } from "./TeamRelay";

const HEALTHY = { last_error: null, problem: null, problem_details: null, next_retry_at: null };
const OFF: RelayStatus = { connected: false, url: null, token_name: null, cursor: 0, last_sync_at: null, ...HEALTHY };
const ON: RelayStatus = {
  connected: true, url: "https://relay.example.com", token_name: "front desk", cursor: 42,
  last_sync_at: "2026-12-01T10:00:00Z", ...HEALTHY,
};
const AWAY: RelayStatus = {
  ...ON,
  last_error: "the team relay at https://relay.example.com cannot be reached",
  problem: "unreachable",
  problem_details: "error sending request for url (https://relay.example.com/v1/events): connection refused",
  next_retry_at: "2026-12-01T10:00:08Z",
};
const REVOKED: RelayStatus = {
  ...ON,
  last_error: "the relay no longer accepts this computer's token (revoked or unknown): ask whoever runs the relay for a new one",
  problem: "token_rejected",
  problem_details: "the feed: HTTP 401 Unauthorized {\"error\":\"the access token is unknown or revoked\"}",
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

  it("while the relay is away: a plain state with the time of the next try, not an error, and the raw text behind Details", async () => {
    let status = AWAY;
    mockIPC((cmd) => {
      if (cmd.startsWith("plugin:event|")) return 0;
      if (cmd === "relay_status") return status;
      if (cmd === "relay_sync") throw { code: "validation", message: AWAY.last_error };
      throw new Error(`unexpected ${cmd}`);
    });
    render(<TeamRelay />);
    const state = await screen.findByRole("status");
    await waitFor(() => expect(state.getAttribute("data-state")).toBe("unreachable"));
    expect(state.textContent).toMatch(/Relay unreachable/);
    expect(state.textContent).toMatch(/History keeps working/);
    expect(document.querySelector("#relay-retry-at")?.getAttribute("datetime")).toBe("2026-12-01T10:00:08Z");
    expect(screen.getByText("Details")).toBeTruthy();
    expect(state.querySelector("pre")?.textContent).toMatch(/connection refused/);
    expect(state.querySelector("p")?.textContent).not.toMatch(/error sending request/);

    // Catch up now fails the same way: the state says so, no error banner on top.
    fireEvent.click(screen.getByRole("button", { name: "Catch up now" }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Catch up now" }).hasAttribute("disabled")).toBe(false));
    expect(screen.queryByRole("alert")).toBeNull();
    status = ON;
  });

  it("a revoked token asks for a new one, in plain words, and takes it for the same relay", async () => {
    const calls: Record<string, unknown>[] = [];
    let status = REVOKED;
    mockIPC((cmd, args) => {
      if (cmd.startsWith("plugin:event|")) return 0;
      if (cmd === "relay_status") return status;
      if (cmd === "relay_connect") {
        calls.push((args ?? {}) as Record<string, unknown>);
        status = ON;
        return ON;
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<TeamRelay />);
    const state = await screen.findByRole("status");
    await waitFor(() => expect(state.getAttribute("data-state")).toBe("token_rejected"));
    expect(state.textContent).toMatch(/New token needed/);
    expect(state.textContent).toMatch(/no longer accepts this computer.s token/);
    expect(state.querySelector("pre")?.textContent).toMatch(/401/);
    fireEvent.change(screen.getByLabelText("New access token"), { target: { value: "wdr_new" } });
    fireEvent.click(screen.getByRole("button", { name: "Use this token" }));
    await waitFor(() => expect(screen.getByRole("status").getAttribute("data-state")).toBe("connected"));
    expect(calls).toEqual([{ url: "https://relay.example.com", token: "wdr_new" }]);
    expect(screen.queryByLabelText("New access token")).toBeNull();
  });
});
