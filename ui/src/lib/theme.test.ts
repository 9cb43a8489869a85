import { afterEach, describe, expect, it } from "vitest";
import { applyRememberedTheme, applyTheme, rememberTheme } from "./theme";

afterEach(() => {
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});

describe("theme", () => {
  it("the remembered theme applies before the preferences arrive", () => {
    rememberTheme("dark");
    applyRememberedTheme();
    expect(document.documentElement.dataset.theme).toBe("dark");
    rememberTheme("system");
    applyRememberedTheme();
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it("nothing remembered, or something unknown, leaves the document alone", () => {
    applyTheme("light");
    applyRememberedTheme();
    expect(document.documentElement.dataset.theme).toBe("light");
    localStorage.setItem("wabadesk.theme", "<script>");
    applyRememberedTheme();
    expect(document.documentElement.dataset.theme).toBe("light");
  });
});
