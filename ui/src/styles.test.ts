// Layout and theme rules of styles.css that users ran into, checked against the stylesheet itself
// (jsdom has no layout engine, so widths are added up from the CSS).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// import.meta.url is not a file: URL under jsdom; the test's own path is.
const here = dirname(fileURLToPath(`file://${new URL(import.meta.url).pathname}`));
const css = readFileSync(join(here, "styles.css"), "utf8");
const conf = JSON.parse(readFileSync(join(here, "../../src-tauri/tauri.conf.json"), "utf8"));

/** The declarations of the first rule with exactly this selector (inside `scope` if given). */
function rule(selector: string, scope = css): Record<string, string> {
  const esc = selector.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = scope.match(new RegExp(`(^|[}\\s])${esc}\\s*\\{([^}]*)\\}`));
  if (!m) throw new Error(`no rule for ${selector}`);
  return Object.fromEntries(
    m[2].split(";").map((d) => d.split(":").map((x) => x.trim())).filter((d) => d.length >= 2 && d[0]).map(([k, ...v]) => [k, v.join(":")]),
  );
}
const px = (v: string) => Number(/(-?\d+(?:\.\d+)?)px/.exec(v)?.[1] ?? 0);

/** The smallest width of a grid track list: fixed px, or the minimum of a minmax(); fr tracks count 0. */
function minTracks(list: string): number[] {
  const tracks = list.match(/minmax\([^)]*\)|\S+/g) ?? [];
  return tracks.map((t) => (t.startsWith("minmax(") ? px(t.slice(7).split(",")[0]) : t.endsWith("fr") ? 0 : px(t)));
}

/** The rules of the @media (max-width: N px) block that applies at the given width, if any. */
function mediaAt(width: number): string {
  const re = /@media \(max-width: (\d+)px\) \{([\s\S]*?\n)\}/g;
  let out = "";
  for (const m of css.matchAll(re)) if (width <= Number(m[1])) out += m[2];
  return out;
}

afterEach(() => {
  document.head.innerHTML = "";
  document.body.innerHTML = "";
  delete document.documentElement.dataset.theme;
});

let atBlockOpen = false;
const atDepth: number[] = [];

describe("styles", () => {
  it("every rule is closed before the next begins (an unclosed rule swallows all rules after it)", () => {
    const plain = css.replace(/\/\*[\s\S]*?\*\//g, "");
    let depth = 0;
    const problems: string[] = [];
    plain.split("\n").forEach((line, i) => {
      const t = line.trim();
      // Only @media / @supports blocks hold rules; a selector opening inside another rule is a slip.
      if (t.endsWith("{") && !t.startsWith("@") && depth > 0 && !atBlockOpen) problems.push(`line ${i + 1}: ${t}`);
      for (const ch of line) {
        if (ch === "{") {
          depth++;
          if (t.startsWith("@")) atDepth.push(depth);
        } else if (ch === "}") {
          if (atDepth[atDepth.length - 1] === depth) atDepth.pop();
          depth--;
        }
      }
      atBlockOpen = atDepth.length > 0 && atDepth[atDepth.length - 1] === depth;
    });
    expect(problems).toEqual([]);
    expect(depth).toBe(0);
  });

  it("the History table's columns fit at the minimum window size", () => {
    const window = conf.app.windows[0];
    const minWidth: number = window.minWidth;
    expect(minWidth).toBeGreaterThan(0);
    const narrow = mediaAt(minWidth);
    const shell = narrow.includes(".shell") ? rule(".shell", narrow) : rule(".shell");
    const page = narrow.includes(".page") ? rule(".page", narrow) : rule(".page");
    const sidebar = minTracks(shell["grid-template-columns"])[0];
    const pagePadding = page.padding.split(/\s+/).map(px);
    const padX = pagePadding.length > 1 ? pagePadding[1] : pagePadding[0];
    const available = minWidth - sidebar - 2 * padX;

    const grid = rule(".history-grid");
    const tracks = minTracks(grid["grid-template-columns"]);
    const gridPad = grid.padding.split(/\s+/).map(px);
    const rowPadX = gridPad.length > 1 ? gridPad[1] : gridPad[0];
    const needed = tracks.reduce((a, b) => a + b, 0) + px(grid.gap) * (tracks.length - 1) + 2 * rowPadX + 2 /* border */ + 16; /* scrollbar */
    expect(needed).toBeLessThanOrEqual(available);
    // Cells may shrink below their content (ellipsis) instead of pushing the grid wider.
    expect(rule(".history-grid > *")["min-width"]).toBe("0");
    // And the table scrolls sideways rather than being cut if the page is narrower still.
    expect(rule(".vtable-scroll")["overflow-x"]).toBe("auto");
    expect(px(rule(".vtable-scroll .vtable")["min-width"])).toBeGreaterThanOrEqual(needed - 16);
    expect(px(rule(".vtable-scroll .vtable")["min-width"])).toBeLessThanOrEqual(available);
  });

  it("a select in a form grid is not wider than its column", () => {
    expect(rule(".form__grid > .field")["min-width"]).toBe("0");
    expect(rule("select")["max-width"]).toBe("100%");
  });

  it("a disabled primary button looks disabled in the dark theme", () => {
    const style = document.createElement("style");
    style.textContent = css;
    document.head.appendChild(style);
    document.documentElement.dataset.theme = "dark";
    document.body.innerHTML = '<button class="primary">Save</button><button class="primary" disabled>Save</button>';
    const [on, off] = Array.from(document.querySelectorAll("button"));
    const look = (el: Element) => ({
      background: resolve(cascaded(el, "background")),
      color: resolve(cascaded(el, "color")),
      opacity: cascaded(el, "opacity") ?? "1",
    });
    const enabled = look(on);
    const disabled = look(off);
    expect(enabled.background).toBe(resolve("var(--accent)"));
    expect(disabled.background).not.toBe(enabled.background);
    expect(disabled.color).not.toBe(enabled.color);
    expect(disabled.color).toBe(resolve("var(--muted)"));
  });
});

/** Specificity of one selector as [ids, classes/attributes/pseudo-classes, elements]. */
function specificity(sel: string): number[] {
  const inner = sel.replace(/:not\(([^)]*)\)/g, " $1");
  const ids = (inner.match(/#[\w-]+/g) ?? []).length;
  const classes = (inner.match(/\.[\w-]+|\[[^\]]*\]|:(?!:)[\w-]+/g) ?? []).length;
  const elements = (inner.replace(/\[[^\]]*\]/g, "").match(/(^|[\s>+~])[a-z][\w-]*/gi) ?? []).length;
  return [ids, classes, elements];
}

/** The declared value of a property that wins for `el` among the top-level rules (no @media). */
function cascaded(el: Element, prop: string): string | undefined {
  let best: { spec: number[]; order: number; value: string } | undefined;
  const rules = Array.from((document.styleSheets[0] as CSSStyleSheet).cssRules);
  rules.forEach((r, order) => {
    if (!(r instanceof CSSStyleRule)) return;
    const value = r.style.getPropertyValue(prop);
    if (!value) return;
    for (const sel of r.selectorText.split(",").map((x) => x.trim())) {
      let hit = false;
      try {
        hit = el.matches(sel);
      } catch {
        hit = false;
      }
      if (!hit) continue;
      const spec = specificity(sel);
      const wins = !best || spec.join(",").localeCompare(best.spec.join(","), undefined, { numeric: true }) > 0 || (spec.join() === best.spec.join() && order >= best.order);
      if (wins) best = { spec, order, value };
    }
  });
  return best?.value;
}

/** `var(--x)` resolved against the custom properties set on the root element (top-level rules). */
function resolve(value: string | undefined): string | undefined {
  const m = value?.match(/^var\((--[\w-]+)\)$/);
  return m ? cascaded(document.documentElement, m[1]) : value;
}
