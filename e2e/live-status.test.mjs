// Statuses arriving through the inbox reach the open page within 1 s, with no polling: a test
// template is sent from the test-send panel, which is kept open while "sent" and "delivered"
// arrive; then the History page is kept open while "read" arrives. The simulator spaces the
// statuses 3 s apart; each one is timed from the moment the inbox stored it (its received_at)
// to the moment the page showed it (the DOM is read every 50 ms by the test).
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { By, addSimNumber, cliWith, launch, screenshot, startInbox, startSim, until, waitReady, pointWebhook } from "./harness.mjs";

const STATUS_DELAY_MS = 3000;
const LIMIT_MS = 1000;
const POLL_MS = 50;
const TEMPLATE = "shipping_note";

let app;
let sim;
let env;

before(async () => {
  sim = await startSim({ statusDelayMs: STATUS_DELAY_MS, reviewDelayMs: 100 });
  app = await launch((e) => {
    env = e;
    addSimNumber(e, sim);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "wabadesk-tpl-")), "template.json");
    writeFileSync(file, JSON.stringify({
      name: TEMPLATE, category: "UTILITY", language: "en_US",
      components: [{ type: "BODY", text: "Your order ships today." }],
    }));
    const created = cliWith(e, ["template", "create", "Shop", file]);
    if (created.name !== TEMPLATE) throw new Error(`template create: ${JSON.stringify(created)}`);
  });
  await waitReady(app.driver);
});
after(async () => {
  await app?.quit();
  sim?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads `read()` every 50 ms until it returns `want`; resolves with the time it was first seen.
 * On a timeout, says whether the inbox had stored that status (then the page missed it).
 */
async function seenAt(read, want, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value === want) return Date.now();
    if (Date.now() > deadline) {
      let stored = "the inbox has not stored it either";
      try {
        stored = `the inbox stored it ${Date.now() - storedAt(want)} ms ago`;
      } catch {
        // not stored: the message says so
      }
      throw new Error(`the page still shows '${value}' after ${timeoutMs} ms, waiting for '${want}'; ${stored}`);
    }
    await sleep(POLL_MS);
  }
}

/** When the inbox stored the status event `status` of `wamid` (status events are kept in order). */
function storedAt(status) {
  const order = ["sent", "delivered", "read"];
  const events = cliWith(env, ["inbox", "list", "--kind", "status", "--limit", "50"]).sort((a, b) => a.id - b.id);
  const e = events[order.indexOf(status)];
  assert.ok(e, `the inbox stored the '${status}' event (${events.length} status events)`);
  return Date.parse(e.received_at);
}

const attr = (driver, css, name) => async () => {
  const els = await driver.findElements(By.css(css));
  return els.length ? els[0].getAttribute(name) : null;
};

test("a status arriving through the inbox updates the open test-send panel and History row within 1 s", async () => {
  await app.step("live-status", async () => {
    const { driver } = app;
    const inboxUrl = await startInbox(driver);
    await pointWebhook(sim, inboxUrl);

    await driver.findElement(By.css("a[data-section='templates']")).click();
    const variant = `[data-template='${TEMPLATE}'] button[data-language='en_US']`;
    await driver.wait(until.elementLocated(By.css(`${variant} [data-status='approved']`)), 15000, "the template is approved");
    await driver.findElement(By.css(variant)).click();
    await driver.findElement(By.id("templates-test-send")).click();
    await driver.wait(until.elementLocated(By.id("send-to")), 5000).sendKeys("4915123456789");
    await driver.findElement(By.id("send-submit")).click();
    const wamid = await driver.wait(until.elementLocated(By.id("send-wamid")), 10000).getText();
    assert.ok(wamid.startsWith("wamid."), wamid);

    const lags = {};
    // The test-send panel stays open: "sent", then "delivered".
    const panel = attr(driver, "#send-status", "data-status");
    for (const status of ["sent", "delivered"]) {
      const shown = await seenAt(panel, status, 2 * STATUS_DELAY_MS + 5000);
      lags[`test-send ${status}`] = shown - storedAt(status);
    }
    await screenshot(driver, "live-status-test-send");

    // The History page opens right after "delivered" and stays open while "read" arrives.
    await driver.findElement(By.css("a[data-section='history']")).click();
    const row = attr(driver, `#history-table [role='row'][data-wamid='${wamid}']`, "data-status");
    assert.equal(await seenAt(row, "delivered", 5000) > 0, true, "the row shows delivered on opening");
    const shown = await seenAt(row, "read", 2 * STATUS_DELAY_MS + 5000);
    lags["history read"] = shown - storedAt("read");
    await screenshot(driver, "live-status-history");

    console.log(`stored → shown: ${Object.entries(lags).map(([k, v]) => `${k} ${v} ms`).join(", ")}`);
    for (const [what, ms] of Object.entries(lags)) assert.ok(ms < LIMIT_MS, `${what}: shown ${ms} ms after the inbox stored it`);
  });
});
