// The app starts, every sidebar section opens, and Settings shows the real schema version.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { By, launch, screenshot, until, waitReady } from "./harness.mjs";

const SECTIONS = [
  ["numbers", "Numbers"],
  ["webhook", "Webhook"],
  ["templates", "Templates"],
  ["send", "Send"],
  ["history", "History"],
  ["insights", "Insights"],
  ["inbox", "Inbox"],
  ["setup", "Setup"],
  ["audit", "Audit log"],
  ["partner", "Partner"],
  ["settings", "Settings"],
];

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.quit();
});

test("the window renders the sidebar", async () => {
  await app.step("window-renders", async () => {
    const { driver } = app;
    await waitReady(driver);
    assert.equal(await driver.getTitle(), "WABA Desk");
    const links = await driver.findElements(By.css("nav[aria-label='Sections'] a .sidebar__label"));
    assert.deepEqual(
      await Promise.all(links.map((l) => l.getText())),
      SECTIONS.map(([, label]) => label),
    );
    await screenshot(driver, "window");
  });
});

test("every sidebar section opens with its page", async () => {
  const { driver } = app;
  for (const [id, label] of SECTIONS) {
    await app.step(`section-${id}`, async () => {
      await driver.findElement(By.css(`a[data-section='${id}']`)).click();
      const title = await driver.wait(until.elementLocated(By.id(`page-${id}-title`)), 5000);
      assert.equal(await title.getText(), label);
      const current = await driver.findElement(By.css("a[aria-current='page']"));
      assert.equal(await current.getAttribute("data-section"), id);
      if (id === "partner") {
        // Partner mode starts with the form for the partner account, not an empty list.
        assert.equal((await driver.findElements(By.id("partner-account-form"))).length, 1, "partner shows its account form");
      } else if (id !== "settings") {
        const empty = await driver.findElements(By.css(`#page-${id} .empty-state h2`));
        assert.equal(empty.length, 1, `${id} shows an empty state`);
        assert.ok((await empty[0].getText()).length > 5);
      }
    });
  }
});

test("Settings shows the data dir and the database schema version", async () => {
  await app.step("about", async () => {
    const { driver } = app;
    await driver.findElement(By.css("a[data-section='settings']")).click();
    const version = await driver.wait(until.elementLocated(By.id("about-schema-version")), 10000);
    const doctor = app.cli("doctor");
    const expected = doctor.database.schema_version;
    assert.ok(Number.isInteger(expected) && expected >= 1);
    assert.match(await version.getText(), new RegExp(`^${expected}\\b`));
    assert.equal(await version.getAttribute("data-ok"), "true");
    assert.equal(await driver.findElement(By.id("about-data-dir")).getText(), app.dataDir);
    const keyring = await driver.findElement(By.id("about-keyring"));
    assert.equal(await keyring.getAttribute("data-reachable"), "true");
    await screenshot(driver, "settings");
  });
});

test("the theme choice applies at once and is saved", async () => {
  await app.step("theme", async () => {
    const { driver } = app;
    const select = await driver.findElement(By.id("theme-select"));
    await select.findElement(By.css("option[value='dark']")).click();
    await driver.wait(until.elementLocated(By.css("html[data-theme='dark']")), 5000);
    await screenshot(driver, "settings-dark");
    await driver.navigate().refresh();
    await waitReady(driver);
    await driver.wait(until.elementLocated(By.css("html[data-theme='dark']")), 5000);
  });
});
