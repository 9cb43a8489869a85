// History in the real window: the simulator delivers a message's statuses to the app's inbox,
// and the message shows "read" with its timeline; a search narrows the table.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { By, addSimNumber, clearInput, cliWith, launch, screenshot, startInbox, startSim, until, waitReady, pointWebhook } from "./harness.mjs";

let app;
let sim;
let env;

before(async () => {
  sim = await startSim();
  app = await launch((e) => {
    env = e;
    addSimNumber(e, sim);
  });
  await waitReady(app.driver);
});
after(async () => {
  await app?.quit();
  sim?.stop();
});

test("statuses delivered by the simulator show as read with a timeline; search narrows", async () => {
  await app.step("history", async () => {
    const { driver } = app;
    // Start the inbox and point the number's webhook at it (at the simulator, loopback is allowed).
    const inboxUrl = await startInbox(driver);
    await pointWebhook(sim, inboxUrl);

    // The customer writes first (opening the 24-hour window), then a reply is sent.
    await sim.admin(`/_sim/numbers/${sim.numbers[0].phoneNumberId}/inbound`, { from: "4915123456789", name: "Ana", text: "Where is my parcel?" });
    const sent = cliWith(env, ["send", "text", "Shop", "--to", "+49 151 23456789", "--text", "Your parcel shipped today"]);
    const wamid = sent.messages?.[0]?.id;
    assert.ok(wamid?.startsWith("wamid."), JSON.stringify(sent));

    await driver.findElement(By.css("a[data-section='history']")).click();
    const rowCss = `#history-table [role='row'][data-wamid='${wamid}']`;
    await driver.wait(until.elementLocated(By.css(`${rowCss}[data-status='read']`)), 20000, "message reaches read");
    await driver.findElement(By.css(`${rowCss} button.link`)).click();
    await driver.wait(until.elementLocated(By.css("#message-timeline li[data-status='read']")), 5000);
    const timeline = await Promise.all(
      (await driver.findElements(By.css("#message-timeline li"))).map((li) => li.getAttribute("data-status")),
    );
    assert.deepEqual(timeline, ["sent", "delivered", "read"]);
    assert.equal(await driver.findElement(By.id("message-status")).getText(), "read");
    await screenshot(driver, "history");

    // The conversation with that contact: both messages, and the window the customer opened.
    await driver.findElement(By.id("open-conversation")).click();
    const win = await driver.wait(until.elementLocated(By.id("conversation-window")), 5000);
    await driver.wait(async () => (await win.getAttribute("data-open")) === "true", 5000);
    const bubbles = await Promise.all(
      (await driver.findElements(By.css("#conversation-drawer .bubble"))).map((b) => b.getAttribute("data-direction")),
    );
    assert.deepEqual(bubbles, ["in", "out"]);
    await screenshot(driver, "conversation");
    await driver.findElement(By.css("#conversation-drawer button[aria-label='Close conversation']")).click();

    const search = await driver.findElement(By.id("history-search"));
    await search.sendKeys("parcel shipped");
    await driver.wait(async () => (await driver.findElements(By.css("#history-table .vtable__body [role='row']"))).length === 1, 5000);
    await clearInput(search);
    await search.sendKeys("no such words");
    await driver.wait(until.elementLocated(By.id("history-none")), 5000);
    await clearInput(search);
  });
});

test("export writes a file whose rows match the filter", async () => {
  await app.step("export", async () => {
    const { driver } = app;
    await driver.findElement(By.css("#history-direction option[value='out']")).click();
    await driver.wait(async () => (await driver.findElements(By.css("#history-table .vtable__body [role='row']"))).length === 1, 5000);
    await driver.findElement(By.id("history-export-csv")).click();
    const pathEl = await driver.wait(until.elementLocated(By.id("history-export-path")), 10000);
    const exportPath = await pathEl.getText();
    assert.ok(exportPath.startsWith(app.downloads), `${exportPath} is in the Downloads folder`);
    const file = readFileSync(exportPath, "utf8").trim().split("\n");
    assert.match(file[0], /^created_at,number_label,number_phone,direction,contact/);
    const expected = cliWith(env, ["history", "list", "--limit", "1000"]).filter((m) => m.direction === "out");
    assert.equal(file.length - 1, expected.length);
    for (const line of file.slice(1)) assert.match(line, /,out,/);
    assert.ok(file.some((l) => l.includes("Your parcel shipped today")));
  });
});
