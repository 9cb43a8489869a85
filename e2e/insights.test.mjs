// Insights in the real window, on seeded history: the figures match `wabadesk stats`, a chart's
// bar opens History with the same filter, and a chart exports as CSV and PNG.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { By, cliWith, launch, screenshot, until, waitReady } from "./harness.mjs";

let app;
let env;

before(async () => {
  app = await launch((e) => {
    env = e;
    // 900 synthetic messages over the last 90 days; 1 in 20 failed (error 131026).
    cliWith(e, ["history", "seed", "--count", "900"]);
  });
  await waitReady(app.driver);
});
after(async () => {
  await app?.quit();
});

const rows = (driver) => driver.findElements(By.css("#history-table .vtable__body [role='row']"));

test("Insights shows the seeded history and a chart's bar opens History with its filter", async () => {
  await app.step("insights", async () => {
    const { driver } = app;
    await driver.findElement(By.css("a[data-section='insights']")).click();
    await driver.wait(until.elementLocated(By.css("#insights-volume svg a")), 20000, "the volume chart draws");
    await driver.findElement(By.id("insights-preset-90d")).click();
    const stats = cliWith(env, ["stats", "--since", new Date(Date.now() - 90 * 86400_000).toISOString()]);
    const sent = stats.totals.read + stats.totals.delivered + stats.totals.sent + stats.totals.pending + stats.totals.failed;
    const total = await driver.findElement(By.css("#insights-total-sent .insights__total-value"));
    await driver.wait(async () => (await total.getText()).replace(/\D/g, "") === String(sent), 10000, `${sent} sent, as wabadesk stats says`);
    assert.ok(stats.totals.failed > 0, JSON.stringify(stats.totals));
    await screenshot(driver, "insights");

    // The failed part of the first bar that has one: History opens with that day and status.
    const bar = await driver.findElement(By.css("#insights-volume svg a rect.chart__seg--failed"));
    const link = await driver.executeScript("return arguments[0].closest('a').getAttribute('href')", bar);
    await bar.click();
    await driver.wait(until.elementLocated(By.css("a[data-section='history'][aria-current='page']")), 5000);
    assert.match(await driver.executeScript("return location.hash"), /^#\/history\?/);
    assert.equal(await driver.executeScript("return location.hash"), link);
    const q = new URLSearchParams(link.split("?")[1]);
    assert.equal(q.get("status"), "failed");
    await driver.wait(until.elementLocated(By.id("history-linked")), 5000);
    assert.equal(await driver.findElement(By.css("#history-status")).getAttribute("value"), "failed");
    const expected = cliWith(env, ["history", "list", "--status", "failed", "--since", q.get("since"), "--until", q.get("until"), "--limit", "1000"]);
    assert.ok(expected.length > 0);
    await driver.wait(async () => (await rows(driver)).length === expected.length, 10000, `${expected.length} failed messages that day`);
    for (const r of await rows(driver)) assert.equal(await r.getAttribute("data-status"), "failed");
    await screenshot(driver, "insights-to-history");
  });
});

test("a failure's error code links to History, and charts export as CSV and PNG", async () => {
  await app.step("insights-export", async () => {
    const { driver } = app;
    await driver.findElement(By.css("a[data-section='insights']")).click();
    const code = await driver.wait(until.elementLocated(By.css("#insights-errors-list a")), 10000);
    assert.equal(await code.getText(), "Error 131026");
    const explanation = await driver.findElement(By.css("#insights-errors-list dd")).getText();
    assert.match(explanation, /could not be delivered/);

    await driver.findElement(By.id("insights-errors-csv")).click();
    const saved = await driver.wait(until.elementLocated(By.css("#insights-errors .notice .mono")), 10000);
    const csvPath = await saved.getText();
    assert.ok(csvPath.startsWith(app.downloads), csvPath);
    const csv = readFileSync(csvPath, "utf8").split("\n");
    assert.equal(csv[0], "error_code,failed,not_sent,explanation");
    assert.match(csv[1], /^131026,\d+,0,/);

    await driver.findElement(By.id("insights-volume-png")).click();
    const png = await driver.wait(until.elementLocated(By.css("#insights-volume .notice .mono")), 10000);
    const pngPath = await png.getText();
    assert.ok(pngPath.endsWith(".png"), pngPath);
    assert.deepEqual([...readFileSync(pngPath).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    await code.click();
    await driver.wait(until.elementLocated(By.css("a[data-section='history'][aria-current='page']")), 5000);
    await driver.wait(until.elementLocated(By.id("history-linked")), 5000);
    assert.match(await driver.findElement(By.id("history-linked")).getText(), /error 131026/);
    await driver.wait(async () => (await rows(driver)).length > 0, 10000);
    for (const r of await rows(driver)) assert.equal(await r.getAttribute("data-status"), "failed");
  });
});
