// The webhook URL in the real window, against the simulator: a rule violation is explained at
// the field, the fixed URL is saved at 360dialog and read back; the endpoint test reaches the
// app's own inbox, whose event then shows on the Inbox page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { By, addSimNumber, launch, screenshot, startInbox, startSim, until, waitReady } from "./harness.mjs";

let app;
let sim;

before(async () => {
  sim = await startSim();
  app = await launch((env) => addSimNumber(env, sim));
  await waitReady(app.driver);
});
after(async () => {
  await app?.quit();
  sim?.stop();
});

test("a rule violation is explained, the fixed URL is saved and read back", async () => {
  await app.step("webhook-set", async () => {
    const { driver } = app;
    await driver.findElement(By.css("a[data-section='webhook']")).click();
    const current = await driver.wait(until.elementLocated(By.id("webhook-current-url")), 10000);
    assert.equal(await current.getText(), "(none)");

    const input = await driver.findElement(By.id("webhook-url"));
    await input.sendKeys("https://shop_hooks.example.com/wa_in");
    const reason = await driver.findElement(By.id("webhook-url-reason"));
    await driver.wait(async () => (await reason.getAttribute("class")) === "field-error", 5000);
    assert.match(await reason.getText(), /does not accept '_' in the host name/);
    assert.equal(await driver.findElement(By.id("webhook-save")).isEnabled(), false);
    await screenshot(driver, "webhook-invalid");

    await input.clear();
    await input.sendKeys("https://shop-hooks.example.com/wa_in");
    await driver.wait(async () => (await reason.getAttribute("class")) === "hint", 5000);
    await driver.findElement(By.id("webhook-secret")).click();
    await driver.findElement(By.id("webhook-save")).click();
    await driver.wait(until.elementLocated(By.id("webhook-saved")), 10000);
    assert.equal(await current.getText(), "https://shop-hooks.example.com/wa_in");

    // Read back from 360dialog (the simulator) when the page opens again.
    await driver.findElement(By.css("a[data-section='numbers']")).click();
    await driver.findElement(By.css("a[data-section='webhook']")).click();
    const again = await driver.wait(until.elementLocated(By.id("webhook-current-url")), 10000);
    assert.equal(await again.getText(), "https://shop-hooks.example.com/wa_in");
    const state = await (await fetch(`${sim.url}/_sim/state`)).json();
    assert.equal(state.numbers[0].webhook.url, "https://shop-hooks.example.com/wa_in");
    assert.ok(state.numbers[0].webhook.headers["X-Wabadesk-Secret"], "the shared secret header was sent");
    await screenshot(driver, "webhook-saved");
  });
});

test("the endpoint test reaches the inbox, which shows the event", async () => {
  await app.step("inbox", async () => {
    const { driver } = app;
    const url = await startInbox(driver);

    await driver.findElement(By.css("a[data-section='webhook']")).click();
    const input = await driver.wait(until.elementLocated(By.id("webhook-url")), 10000);
    await driver.wait(async () => (await input.getAttribute("value")) !== "", 5000);
    await input.clear();
    await input.sendKeys(url);
    await driver.findElement(By.id("webhook-test")).click();
    const result = await driver.wait(until.elementLocated(By.id("webhook-test-result")), 10000);
    assert.match(await result.getText(), /HTTP 200 .* answered 200 · within the 5 s limit/);

    await driver.findElement(By.css("a[data-section='inbox']")).click();
    const row = await driver.wait(until.elementLocated(By.css("#inbox-table tr[data-state]")), 10000);
    await driver.wait(async () => (await row.getAttribute("data-state")) === "applied", 5000);
    await screenshot(driver, "inbox");
  });
});
