// Numbers and keys in the real window, against the simulator: add a number, paste its key
// (verified), the key is superseded at 360dialog (a check shows it), paste the new key
// (verified again, with its audit rows), and the key is nowhere on disk or in the logs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { By, filesContaining, launch, screenshot, startSim, until, waitReady } from "./harness.mjs";

let app;
let sim;
const keys = [];

before(async () => {
  sim = await startSim();
  app = await launch();
  await waitReady(app.driver);
});
after(async () => {
  await app?.quit();
  sim?.stop();
});

async function keyState(driver, state) {
  await driver.wait(
    until.elementLocated(By.css(`#drawer-key-state [data-key-state='${state}']`)),
    10000,
    `key state ${state}`,
  );
}

async function pasteKey(driver, key) {
  const input = await driver.findElement(By.id("key-input"));
  await input.clear();
  await input.sendKeys(key);
  await driver.findElement(By.id("key-save")).click();
}

test("add a number and paste its key: verified", async () => {
  await app.step("add-number", async () => {
    const { driver } = app;
    await driver.findElement(By.css("a[data-section='numbers']")).click();
    await driver.findElement(By.id("add-number")).click();
    await driver.findElement(By.id("number-phone")).sendKeys("+49 151 2345 6789");
    await driver.findElement(By.id("number-label")).sendKeys("Support DE");
    await driver.findElement(By.css("#number-env option[value='simulator']")).click();
    await driver.findElement(By.id("number-base-url")).sendKeys(sim.url);
    await driver.findElement(By.id("number-submit")).click();
    await driver.wait(until.elementLocated(By.id("number-drawer")), 5000);
    await keyState(driver, "none");

    keys.push(sim.numbers[0].key);
    await pasteKey(driver, keys[0]);
    await keyState(driver, "verified");
    const row = await driver.findElement(By.css("tr[data-phone='+4915123456789'] [data-key-state]"));
    assert.equal(await row.getAttribute("data-key-state"), "verified");
    assert.equal(await driver.findElement(By.id("key-input")).getAttribute("value"), "");
    await screenshot(driver, "numbers-verified");
  });
});

test("a key replaced at 360dialog shows as superseded after a call", async () => {
  await app.step("superseded", async () => {
    const { driver } = app;
    const rotated = await sim.admin(`/_sim/numbers/${sim.numbers[0].phoneNumberId}/keys`);
    keys.push(rotated.api_key);
    await driver.findElement(By.id("key-check")).click();
    await keyState(driver, "superseded");
    const badge = await driver.wait(until.elementLocated(By.id("numbers-badge")), 5000);
    assert.equal(await badge.getText(), "1");
    const alert = await driver.findElement(By.css("#number-drawer [role='alert']"));
    assert.match(await alert.getText(), /API key rejected/);
    await screenshot(driver, "numbers-superseded");
  });
});

test("pasting the new key verifies it and records the rotation", async () => {
  await app.step("rotate", async () => {
    const { driver } = app;
    await pasteKey(driver, keys[1]);
    await keyState(driver, "verified");
    await driver.wait(async () => (await driver.findElements(By.id("numbers-badge"))).length === 0, 5000);
    await driver.wait(
      until.elementLocated(By.css("#key-history li[data-action='key_rotated']")),
      5000,
    );
    const actions = await Promise.all(
      (await driver.findElements(By.css("#key-history li"))).map((li) => li.getAttribute("data-action")),
    );
    assert.deepEqual(actions, ["key_rotated", "key_superseded", "key_set"]);

    await driver.findElement(By.css("a[data-section='audit']")).click();
    await driver.wait(until.elementLocated(By.css("#audit-table tr[data-action='key_rotated']")), 5000);
    const rows = await driver.findElements(By.css("#audit-table tr[data-action^='key_']"));
    assert.equal(rows.length, 3);
    await screenshot(driver, "audit");
  });
});

test("the keys appear nowhere in the data dir, the preferences or the app's logs", async () => {
  const { driver } = app;
  // Write the preferences file too, so it is part of the scan.
  await driver.findElement(By.css("a[data-section='settings']")).click();
  await driver.findElement(By.css("#theme-select option[value='light']")).click();
  await driver.wait(until.elementLocated(By.css("html[data-theme='light']")), 5000);
  const prefs = JSON.parse(readFileSync(`${app.dataDir}/preferences.json`, "utf8"));
  assert.equal(prefs.preferences.theme, "light");
  const log = readFileSync(app.logFile, "utf8");
  assert.match(log, /360dialog call/, "the app's debug log was captured");
  for (const key of keys) {
    assert.deepEqual(filesContaining(app.dataDir, key), []);
    assert.ok(!log.includes(key), "key found in the app's log");
  }
});
