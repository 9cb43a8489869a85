// Journey 2, onboarding, from an empty profile: add a simulator number by hand and paste its key,
// point its webhook at this app's inbox in one click, test the endpoint, and see the test event on
// the Inbox page but not in History. A customer then writes in: that message does reach History.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startSim } from "../harness.mjs";
import { skipUnless, startJourney } from "./journey.mjs";
import { SEL, addNumberByHand, choose, go, keyStateIs, pasteKey, press, text, waitFor } from "./ui.mjs";
import { customerWrites, simState } from "./world.mjs";

/** What this journey needs from the UI beyond what exists on its own branch. */
export const NEEDS = ["webhook-point-inbox", "inbox-url", "inbox-copy-url", "inbox-kind"];
const skip = skipUnless(NEEDS, "the one-click inbox webhook and test events (app-demo)");

let j;
let sim;

before(async () => {
  if (skip) return;
  sim = await startSim();
  j = await startJourney("onboarding");
});
after(async () => {
  j?.writeTimings();
  await j?.quit();
  sim?.stop();
});

test("journey 2: onboarding — number by hand, webhook at the inbox in one click, test event in the Inbox only", { skip }, async () => {
  const { driver } = j;
  const number = sim.numbers[0];
  let inboxUrl;

  await j.step("empty-numbers-page", async () => {
    await go(driver, "numbers");
    assert.equal((await driver.findElements(SEL.numbersTable)).length, 0, "an empty profile has no numbers");
  });

  await j.step("add-number-by-hand", async () => {
    await addNumberByHand(driver, { phone: number.phone, label: "Support", baseUrl: sim.url });
    await keyStateIs(driver, "none");
  });

  await j.step("paste-key-verified", async () => {
    await pasteKey(driver, number.key);
    await keyStateIs(driver, "verified");
  });

  await j.step("point-webhook-at-inbox", async () => {
    await go(driver, "webhook");
    await press(driver, SEL.webhookPointInbox);
    await waitFor(driver, SEL.webhookSaved, 15000, "the webhook is saved");
    inboxUrl = await text(driver, SEL.webhookCurrentUrl);
    assert.match(inboxUrl, /^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
    // 360dialog (the simulator) now sends this number's events there.
    const state = await simState(sim.url);
    assert.equal(state.numbers[0].webhook.url, inboxUrl);
  });

  await j.step("inbox-shows-its-url", async () => {
    await go(driver, "inbox");
    const url = await waitFor(driver, SEL.inboxUrl, 10000, "the inbox shows its URL");
    assert.ok((await url.getText()).includes(inboxUrl), await url.getText());
    assert.match(await text(driver, SEL.inboxState), /^listening on http:\/\/127\.0\.0\.1:/);
    assert.equal((await driver.findElements(SEL.inboxCopyUrl)).length, 1, "a Copy button beside the URL");
  });

  await j.step("test-the-endpoint", async () => {
    await go(driver, "webhook");
    const url = await waitFor(driver, SEL.webhookUrl);
    await driver.wait(async () => (await url.getAttribute("value")) === inboxUrl, 10000, "the URL field holds the inbox URL");
    await choose(driver, SEL.webhookTestKind("message"));
    await press(driver, SEL.webhookTest);
    const result = await waitFor(driver, SEL.webhookTestResult, 15000);
    assert.match(await result.getText(), /HTTP 200 .* answered 200 · within the 5 s limit/);
  });

  await j.step("test-event-on-inbox-page", async () => {
    await go(driver, "inbox");
    await waitFor(driver, SEL.inboxTestRows, 10000, "the test event, marked as a test");
    assert.equal((await driver.findElements(SEL.inboxRows)).length, 1, "one event in the inbox");
    // The Type filter finds it among the test events.
    await choose(driver, SEL.inboxKindOption("test"));
    await driver.wait(async () => (await driver.findElements(SEL.inboxTestRows)).length === 1, 5000);
    await choose(driver, SEL.inboxKindOption(""));
  });

  await j.step("test-event-not-in-history", async () => {
    await go(driver, "history");
    await waitFor(driver, SEL.historyEmpty, 10000, "History has no messages");
    assert.equal((await driver.findElements(SEL.historyRows)).length, 0);
  });

  await j.step("customer-message-in-history", async () => {
    // The outside world: a customer writes in. Unlike the test event, it is a message.
    const { id: wamid } = await customerWrites(sim.url, number.phoneNumberId, { from: "4915123456789", name: "Ana", text: "Is my order on its way?" });
    await driver.wait(async () => {
      const d = await (await fetch(`${sim.url}/_sim/numbers/${number.phoneNumberId}/deliveries`)).json();
      return d.deliveries.some((x) => x.kind === "message" && x.delivered);
    }, 15000, "the simulator delivered the message to the inbox");
    await go(driver, "inbox");
    await go(driver, "history");
    await driver.wait(async () => (await driver.findElements(SEL.historyRows)).length === 1, 10000, "one message in History");
    const row = await waitFor(driver, SEL.historyRow(wamid), 5000, "the customer's message is the row");
    assert.equal(await row.getAttribute("data-status"), "received");
    assert.match(await row.getText(), /Ana/);
  });
});
