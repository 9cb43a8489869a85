import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { ChosenNumberProvider } from "../../lib/hooks/useChosenNumber";
import type { BusinessProfileInput } from "../../lib/ipc/bindings/BusinessProfileInput";
import type { NumberView } from "../../lib/ipc/bindings/NumberView";
import { NumbersProvider } from "../../lib/numbers";
import { PreferencesProvider } from "../../lib/preferences";
import { inputOf } from "./ProfileForm";
import { OnboardingPage } from "./OnboardingPage";

const NUMBER: NumberView = {
  id: 1, phone: "+4915123456789", label: "Shop", environment: "simulator", base_url: "http://127.0.0.1:8360",
  base_url_override: null, notes: "", key_state: "verified", key_hint: "••••abcd", key_fingerprint: "12345678",
  key_set_at: null, key_verified_at: "2026-12-01T00:00:00Z", phone_number_id: "123", waba_id: "456",
  health: null, health_checked_at: null, created_at: "2026-12-01T00:00:00Z", updated_at: "2026-12-01T00:00:00Z",
};
const EMPTY = { about: null, address: null, description: null, email: null, websites: [], vertical: null, profile_picture_url: null };

function backend(calls: { cmd: string; args: unknown }[]) {
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "list_numbers":
        return [NUMBER];
      case "get_checklist":
        return {
          number_id: 1, done: 1, total: 5,
          items: [
            { step: "key_verified", label: "API key verified", done: true, detail: "verified", section: "numbers", part: null },
            { step: "profile_complete", label: "Business profile complete", done: false, detail: "still empty: about", section: "setup", part: "profile" },
          ],
        };
      case "number_health":
        return { number_id: 1, checked_at: null, overall: null, entities: [], aspects: [] };
      case "get_business_profile":
        return { number_id: 1, profile: EMPTY, complete: false, missing: ["about"] };
      case "check_business_profile": {
        const input = (args as { input: BusinessProfileInput }).input;
        const long = (input.about ?? "").length > 139;
        return {
          problems: long ? [{ field: "about", index: null, message: "About is at most 139 characters (140 now)" }] : [],
          changes: input.about !== undefined ? [{ field: "about", before: "", after: input.about }] : [],
        };
      }
      case "get_components":
        return { number_id: 1, set: false, components: { enable_welcome_message: false, prompts: [], commands: [] } };
      case "check_components":
        return { problems: [] };
      case "list_blocked":
        return [{ input: "", wa_id: "4915100000001", errors: [] }];
      case "set_business_profile":
        return { number_id: 1, profile: { ...EMPTY, about: "Bikes" }, complete: false, missing: ["description"] };
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  });
}

function renderPage() {
  return render(
    <PreferencesProvider>
      <NumbersProvider>
        <ChosenNumberProvider>
          <OnboardingPage />
        </ChosenNumberProvider>
      </NumbersProvider>
    </PreferencesProvider>,
  );
}

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Setup page", () => {
  it("shows the checklist with links, checks the profile at its field and shows the diff before saving", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    backend(calls);
    renderPage();
    const item = await screen.findByText("Business profile complete");
    expect(item.closest("li")?.getAttribute("data-done")).toBe("false");
    expect(item.getAttribute("href")).toBe("#/setup");
    expect(await screen.findByText("1 of 5 done")).toBeTruthy();
    expect(await screen.findByText("4915100000001")).toBeTruthy();

    const about = (await screen.findByLabelText(/^About/)) as HTMLInputElement;
    fireEvent.change(about, { target: { value: "a".repeat(140) } });
    expect((await screen.findByText("About is at most 139 characters (140 now)")).getAttribute("role")).toBe("alert");
    await waitFor(() => expect((document.getElementById("profile-save") as HTMLButtonElement).disabled).toBe(true));

    fireEvent.change(about, { target: { value: "Bikes" } });
    await waitFor(() => expect(document.querySelector("#profile-diff tr[data-field='about'] .diff__after")?.textContent).toBe("Bikes"));
    await waitFor(() => expect((document.getElementById("profile-save") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(document.getElementById("profile-save") as HTMLButtonElement);
    expect(await screen.findByText("Saved")).toBeTruthy();
    const save = calls.find((c) => c.cmd === "set_business_profile");
    expect(save?.args).toEqual({ id: 1, input: { about: "Bikes" } });
  });

  it("sends only the fields the user changed", () => {
    const current = { ...EMPTY, about: "Hi", websites: ["https://a.com"], vertical: "RETAIL" };
    const draft = { about: "Hi", description: "", address: "Main St", email: "", website1: "https://a.com", website2: "https://b.com", vertical: "RETAIL" };
    expect(inputOf(current, draft)).toEqual({ address: "Main St", websites: ["https://a.com", "https://b.com"] });
  });
});
