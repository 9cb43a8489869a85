import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChannelList } from "../../lib/ipc/bindings/ChannelList";
import type { NumberView } from "../../lib/ipc/bindings/NumberView";
import type { PartnerAccountView } from "../../lib/ipc/bindings/PartnerAccountView";
import { PartnerKey } from "./PartnerKey";
import { PartnerPage } from "./PartnerPage";

const PARTNER_KEY = "pk-unique-partner-key-42";

const account: PartnerAccountView = {
  partner_id: "abcPA",
  environment: "simulator",
  base_url: "http://127.0.0.1:8360/api/v2",
  base_url_override: null,
  key_hint: "••••y-42",
  key_fingerprint: "0a1b2c3d",
  key_verified_at: "2026-12-01T00:00:00Z",
  webhook_url: null,
  has_webhook_secret: false,
  updated_at: "2026-12-01T00:00:00Z",
};

function channels(imported: string[] = []): ChannelList {
  const item = (id: string, phone: string) => ({
    channel: {
      id,
      client_id: `${id}-client`,
      client_name: `Client ${id}`,
      waba_id: `waba-${id}`,
      phone,
      phone_name: `Line ${id}`,
      status: "ready",
      account_mode: "live",
    },
    number_id: imported.includes(id) ? 7 : null,
  });
  return { items: [item("CH1", "15550000100"), item("CH2", "15550000101")], total: 2, offset: 0, limit: 20 };
}

function number(): NumberView {
  return {
    id: 7,
    phone: "+15550000100",
    label: "Line CH1",
    environment: "simulator",
    base_url: "http://127.0.0.1:8360",
    base_url_override: null,
    notes: "",
    key_state: "none",
    key_hint: null,
    key_fingerprint: null,
    key_set_at: null,
    key_verified_at: null,
    phone_number_id: null,
    waba_id: null,
    health: null,
    health_checked_at: null,
    created_at: "2026-12-01T00:00:00Z",
    updated_at: "2026-12-01T00:00:00Z",
  };
}

let calls: { cmd: string; args: Record<string, unknown> }[] = [];

function backend(handlers: Record<string, (a: Record<string, unknown>) => unknown>) {
  calls = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    if (handlers[cmd]) return handlers[cmd](a);
    throw new Error(`unexpected command ${cmd}`);
  });
}

beforeEach(() => {
  calls = [];
});

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Partner page", () => {
  it("enters the partner key, lists channels and imports the selected ones", async () => {
    let current: PartnerAccountView | null = null;
    let imported: string[] = [];
    backend({
      partner_account: () => current,
      set_partner_account: (a) => {
        if (a.key !== PARTNER_KEY) throw { code: "unauthorized", message: "the Partner API did not accept the partner API key" };
        current = account;
        return account;
      },
      partner_channels: () => channels(imported),
      partner_events_url: () => "http://127.0.0.1:8377/partner",
      import_channels: (a) => {
        imported = a.channelIds as string[];
        return imported.map((id) => ({ channel_id: id, number: { ...number(), label: `Line ${id}` }, error: null }));
      },
    });
    render(<PartnerPage />);
    fireEvent.change(await screen.findByLabelText("Partner id"), { target: { value: "abcPA" } });
    fireEvent.change(screen.getByLabelText("Environment"), { target: { value: "simulator" } });
    fireEvent.change(screen.getByLabelText("Partner API key", { exact: false }), { target: { value: "wrong" } });
    fireEvent.submit(screen.getByRole("form", { name: "Partner account" }));
    expect((await screen.findByRole("alert")).textContent).toContain("did not accept");

    fireEvent.change(screen.getByLabelText("Partner API key", { exact: false }), { target: { value: PARTNER_KEY } });
    fireEvent.submit(screen.getByRole("form", { name: "Partner account" }));
    const facts = await screen.findByText("abcPA");
    expect(facts).toBeTruthy();
    expect(document.body.textContent).not.toContain(PARTNER_KEY);
    const set = calls.find((c) => c.cmd === "set_partner_account" && c.args.key === PARTNER_KEY)!;
    expect(set.args.input).toEqual({ partner_id: "abcPA", environment: "simulator", base_url: null });

    const table = await screen.findByRole("table");
    await within(table).findByText("CH1");
    fireEvent.change(screen.getByLabelText("Search this page"), { target: { value: "0101" } });
    expect(within(table).queryByText("CH1")).toBeNull();
    fireEvent.change(screen.getByLabelText("Search this page"), { target: { value: "" } });
    fireEvent.click(within(table).getByLabelText("Select channel CH1"));
    fireEvent.click(within(table).getByLabelText("Select channel CH2"));
    fireEvent.click(screen.getByRole("button", { name: /Import 2 selected/ }));
    const outcomes = await screen.findByText(/CH2: added as Line CH2/);
    expect(outcomes).toBeTruthy();
    expect(calls.find((c) => c.cmd === "import_channels")!.args.channelIds).toEqual(["CH1", "CH2"]);
    await waitFor(() => expect((within(table).getByLabelText("Select channel CH1") as HTMLInputElement).disabled).toBe(true));

    // A status filter goes to 360dialog.
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "live" } });
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "partner_channels").at(-1)!.args.query).toEqual({
        offset: 0,
        limit: 20,
        filters: { status: "live" },
      }),
    );
  });

  it("sets the partner webhook to this app's inbox with the platform secret", async () => {
    backend({
      partner_account: () => account,
      partner_channels: () => channels(),
      partner_events_url: () => "http://127.0.0.1:8377/partner",
      set_partner_webhook: (a) => ({ ...account, webhook_url: a.url as string, has_webhook_secret: true }),
    });
    render(<PartnerPage />);
    fireEvent.click(await screen.findByRole("button", { name: /Use this app's inbox/ }));
    fireEvent.change(screen.getByLabelText("Platform secret", { exact: false }), { target: { value: "platform-secret" } });
    fireEvent.submit(screen.getByRole("form", { name: "Partner webhook" }));
    await screen.findByText(/Partner webhook set: http:\/\/127.0.0.1:8377\/partner/);
    const set = calls.find((c) => c.cmd === "set_partner_webhook")!;
    expect(set.args).toEqual({ url: "http://127.0.0.1:8377/partner", secret: "platform-secret" });
  });
});

describe("Generate new key", () => {
  it("shows progress, then the outcome in plain words", async () => {
    let release: () => void = () => {};
    const changed: NumberView[] = [];
    backend({
      number_channel: () => ({
        number_id: 7,
        channel_id: "CH1",
        client_id: "CL1",
        waba_id: "W1",
        status: "live",
        account_mode: "live",
        imported_at: "2026-12-01T00:00:00Z",
      }),
      partner_events: () => [
        { id: 1, received_at: "2026-12-01T00:00:00Z", event: "channel_live", channel_id: "CH1", number_id: 7, summary: "the channel is live" },
      ],
      generate_key: () =>
        new Promise((resolve) => {
          release = () =>
            resolve({
              number: { ...number(), key_state: "verified" },
              webhook: { state: "gone", known_url: "https://h.example/wa", known_header_names: [], current_url: "https://h.example/wa", message: "" },
              webhook_reapplied: true,
              message: "a new key was generated, verified and stored; older keys no longer work; the new key had cleared the webhook, so it was set again (https://h.example/wa)",
            });
        }),
    });
    render(<PartnerKey number={number()} onChanged={(n) => changed.push(n)} onRefresh={() => {}} />);
    expect(await screen.findByText("the channel is live")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Generate new key" }));
    expect((await screen.findByText(/Asking 360dialog for a new key/)).textContent).toContain("keyring");
    release();
    const outcome = await screen.findByText(/A new key was generated, verified and stored/);
    expect(outcome.textContent).toContain("set again");
    expect(changed[0].key_state).toBe("verified");
  });

  it("explains a refusal", async () => {
    backend({
      number_channel: () => ({ number_id: 7, channel_id: "CH1", client_id: "CL1", waba_id: null, status: null, account_mode: null, imported_at: "x" }),
      partner_events: () => [],
      generate_key: () => {
        throw { code: "upstream", message: "360dialog answered HTTP 403. The client has not given your partner account permission to manage this number's API key" };
      },
    });
    render(<PartnerKey number={number()} onChanged={() => {}} onRefresh={() => {}} />);
    fireEvent.click(await screen.findByRole("button", { name: "Generate new key" }));
    expect((await screen.findByRole("alert")).textContent).toContain("permission");
  });

  it("shows nothing for a number not imported from a channel", async () => {
    backend({ number_channel: () => null, partner_events: () => [] });
    const { container } = render(<PartnerKey number={number()} onChanged={() => {}} onRefresh={() => {}} />);
    await waitFor(() => expect(calls.some((c) => c.cmd === "number_channel")).toBe(true));
    expect(container.textContent).toBe("");
  });
});
