import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { Preferences } from "./ipc/bindings/Preferences";
import { DEFAULT_PREFERENCES, PreferencesProvider, usePreferences } from "./preferences";

afterEach(() => {
  cleanup();
  clearMocks();
});

let saveApi: ReturnType<typeof usePreferences>["save"] | null = null;

function Probe() {
  const p = usePreferences();
  saveApi = p.save;
  return <output aria-label="theme">{p.preferences.theme}</output>;
}

describe("preferences", () => {
  it("an answer to an older write does not undo a newer change", async () => {
    // The chosen number's write answers late; the theme's write, made after it, answers first.
    const answers: Array<(p: Preferences) => void> = [];
    mockIPC((cmd, args) => {
      if (cmd === "get_preferences") return DEFAULT_PREFERENCES;
      if (cmd === "set_preferences") {
        const sent = (args as { preferences: Preferences }).preferences;
        return new Promise<Preferences>((resolve) => answers.push(() => resolve(sent)));
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(
      <PreferencesProvider>
        <Probe />
      </PreferencesProvider>,
    );
    await waitFor(() => expect(saveApi).not.toBeNull());
    let numberWrite: Promise<void> = Promise.resolve();
    let themeWrite: Promise<void> = Promise.resolve();
    act(() => {
      numberWrite = saveApi!({ last_number: "3" });
    });
    act(() => {
      themeWrite = saveApi!({ theme: "light" });
    });
    expect(screen.getByLabelText("theme").textContent).toBe("light");
    await waitFor(() => expect(answers.length).toBe(2));
    // The theme's answer first, then the older one.
    await act(async () => {
      answers[1]!({} as Preferences);
      await themeWrite;
    });
    await act(async () => {
      answers[0]!({} as Preferences);
      await numberWrite;
    });
    expect(screen.getByLabelText("theme").textContent).toBe("light");
  });
});
