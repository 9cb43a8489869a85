import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "./App";
import type { AppInfo } from "./lib/ipc/bindings/AppInfo";
import type { Preferences } from "./lib/ipc/bindings/Preferences";

const INFO: AppInfo = {
  version: "0.1.0",
  data_dir: "/home/u/.local/share/com.wabadesk.desk",
  database: {
    path: "/home/u/.local/share/com.wabadesk.desk/wabadesk.sqlite3",
    schema_version: 3,
    latest_schema_version: 3,
    created_at: "2026-11-25T00:00:00Z",
    ok: true,
    message: "ready",
  },
  keyring: { backend: "Secret Service (D-Bus)", reachable: false, message: "no OS keyring is reachable" },
};

let saved: Preferences[] = [];

function mockBackend(opts: { appInfoError?: unknown } = {}) {
  saved = [];
  mockIPC((cmd, args) => {
    switch (cmd) {
      case "get_preferences":
        return { theme: "system", last_number: null, base_urls: {} };
      case "set_preferences": {
        const p = (args as { preferences: Preferences }).preferences;
        saved.push(p);
        return p;
      }
      case "list_numbers":
      case "list_messages":
      case "onboarding_progress":
        return [];
      case "app_info":
        if (opts.appInfoError) throw opts.appInfoError;
        return INFO;
      case "relay_status":
        return { connected: false, url: null, token_name: null, cursor: 0, last_sync_at: null, last_error: null };
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  });
}

beforeEach(() => {
  location.hash = "";
  delete document.documentElement.dataset.theme;
  delete document.documentElement.dataset.ready;
});

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("App shell", () => {
  it("starts on Numbers with its empty state and marks itself ready", async () => {
    mockBackend();
    render(<App />);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Numbers");
    expect(await screen.findByText("No numbers yet")).toBeTruthy();
    await waitFor(() => expect(document.documentElement.dataset.ready).toBe("true"));
  });

  it("navigates by the sidebar and by Ctrl+number", async () => {
    mockBackend();
    render(<App />);
    act(() => {
      location.hash = "#/history";
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    });
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("History");
    expect(screen.getByRole("link", { name: /History/ }).getAttribute("aria-current")).toBe("page");

    act(() => {
      fireEvent.keyDown(window, { key: "3", ctrlKey: true });
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    });
    expect(location.hash).toBe("#/templates");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Templates");

    // The tenth section is Ctrl+0; Settings is Ctrl+, as in other desktop apps.
    act(() => {
      fireEvent.keyDown(window, { key: "0", ctrlKey: true });
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    });
    expect(location.hash).toBe("#/partner");
    act(() => {
      fireEvent.keyDown(window, { key: ",", ctrlKey: true });
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    });
    expect(location.hash).toBe("#/settings");
    expect(screen.getByRole("link", { name: /Settings/ }).getAttribute("title")).toBe("Settings (Ctrl+,)");
  });

  it("Settings shows schema version and keyring problem from app_info", async () => {
    mockBackend();
    location.hash = "#/settings";
    render(<App />);
    const version = await screen.findByText((_, el) => el?.id === "about-schema-version");
    expect(version.textContent).toContain("3");
    expect(version.textContent).toContain("of 3");
    expect(screen.getByText("unavailable")).toBeTruthy();
    expect(screen.getByText("no OS keyring is reachable")).toBeTruthy();
  });

  it("Settings shows a command error as a titled alert", async () => {
    mockBackend({ appInfoError: { code: "database", message: "disk I/O error" } });
    location.hash = "#/settings";
    render(<App />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Database error");
    expect(alert.textContent).toContain("disk I/O error");
  });

  it("changing the theme saves it and applies it to the document", async () => {
    mockBackend();
    location.hash = "#/settings";
    render(<App />);
    await waitFor(() => expect(document.documentElement.dataset.ready).toBe("true"));
    fireEvent.change(screen.getByLabelText("Theme"), { target: { value: "dark" } });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("dark"));
    expect(saved).toEqual([
      { theme: "dark", last_number: null, base_urls: {}, default_environment: null, your_name: null, downloads_dir: null },
    ]);
  });

  it("Settings saves the default environment, simulator address, your name and downloads folder", async () => {
    mockBackend();
    location.hash = "#/settings";
    render(<App />);
    await waitFor(() => expect(document.documentElement.dataset.ready).toBe("true"));
    fireEvent.change(screen.getByLabelText("Default environment for new numbers"), { target: { value: "simulator" } });
    fireEvent.change(screen.getByLabelText("Simulator address"), { target: { value: "http://127.0.0.1:9360" } });
    fireEvent.change(screen.getByLabelText("Your name"), { target: { value: " Ana Lima " } });
    fireEvent.change(screen.getByLabelText("Downloads folder"), { target: { value: "/home/ana/exports" } });
    fireEvent.submit(screen.getByRole("form", { name: "Working preferences" }));
    await screen.findByText("Saved.");
    expect(saved).toEqual([
      {
        theme: "system",
        last_number: null,
        base_urls: { simulator: "http://127.0.0.1:9360" },
        default_environment: "simulator",
        your_name: "Ana Lima",
        downloads_dir: "/home/ana/exports",
      },
    ]);
  });

  it("a Skip to content link comes before the sidebar and moves focus to the page", async () => {
    mockBackend();
    location.hash = "#/history";
    render(<App />);
    await screen.findByRole("heading", { name: "History" });
    const skip = screen.getByRole("link", { name: "Skip to content" });
    const sidebar = screen.getByRole("navigation", { name: "Sections" });
    expect(skip.compareDocumentPosition(sidebar) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    fireEvent.click(skip);
    expect(document.activeElement?.id).toBe("page-history");
    expect(location.hash).toBe("#/history");
  });
});
