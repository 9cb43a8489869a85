import { cleanup, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { markStaticSection, staticShellHtml } from "./staticShell";

/** Each sidebar link as a user meets it: where it goes, its name, its tooltip, whether current. */
function links(nav: Element) {
  return [...nav.querySelectorAll("a")].map((a) => ({
    href: a.getAttribute("href"),
    section: a.dataset.section,
    text: a.textContent,
    title: a.getAttribute("title"),
    current: a.getAttribute("aria-current"),
  }));
}

afterEach(() => {
  cleanup();
  clearMocks();
  document.body.innerHTML = "";
  location.hash = "";
});

describe("the static shell (the window's first page, before the UI's script)", () => {
  it("has the app's sidebar: the same brand, sections, shortcuts and current section", async () => {
    const holder = document.createElement("div");
    holder.innerHTML = staticShellHtml();
    document.body.append(holder);
    markStaticSection(document, "numbers");
    const staticNav = holder.querySelector("nav.sidebar")!;

    mockIPC((cmd) => {
      if (cmd === "get_preferences") return { theme: "system", last_number: null, base_urls: {} };
      if (cmd === "list_numbers" || cmd === "onboarding_progress") return [];
      throw new Error(`not needed here: ${cmd}`);
    });
    const { container } = render(<App />);
    await screen.findByText("No numbers yet");
    const appNav = container.querySelector("nav.sidebar")!;

    expect(links(staticNav)).toEqual(links(appNav));
    expect(links(staticNav)).toHaveLength(11);
    expect(staticNav.querySelector(".brand")!.outerHTML).toBe(appNav.querySelector(".brand")!.outerHTML);
    expect(staticNav.getAttribute("aria-label")).toBe(appNav.getAttribute("aria-label"));
    // The page frame is titled as the app's first page.
    expect(holder.querySelector("main h1")!.textContent).toBe(
      container.querySelector("main h1")!.textContent,
    );
  });

  it("marks the section of the address and titles its page", () => {
    document.body.innerHTML = staticShellHtml();
    markStaticSection(document, "history");
    const current = [...document.querySelectorAll("a[aria-current='page']")];
    expect(current.map((a) => a.getAttribute("data-section"))).toEqual(["history"]);
    expect(document.querySelector("main h1")!.textContent).toBe("History");
    markStaticSection(document, "settings");
    expect(document.querySelector("a[aria-current='page']")!.getAttribute("data-section")).toBe("settings");
    expect(document.querySelector("main h1")!.textContent).toBe("Settings");
  });
});
