// Keys an admin can trust, in the real window against the simulator: another number's key is
// refused at the key field (naming both numbers, the pasted key kept), and a new key that cleared
// the webhook at 360dialog is reported with a one-click re-apply that puts the webhook back.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startSim } from "./harness.mjs";
import { startJourney } from "./journeys/journey.mjs";
import { By, SEL, addNumberByHand, go, keyStateIs, pasteKey, press, waitFor } from "./journeys/ui.mjs";
import { simState } from "./journeys/world.mjs";

let j;
let sim;

before(async () => {
  sim = await startSim();
  j = await startJourney("key-trust");
});
after(async () => {
  j?.writeTimings();
  await j?.quit();
  sim?.stop();
});

const [sales, support] = [0, 1];
const openNumber = async (driver, label) => {
  await go(driver, "numbers");
  await press(driver, By.xpath(`//table//button[contains(normalize-space(), '${label}')]`));
  await waitFor(driver, SEL.numberDrawer, 10000, `${label}'s drawer opens`);
};

test("another number's key is refused at the key field, naming both numbers", async () => {
  const { driver } = j;
  await j.step("two-numbers", async () => {
    await addNumberByHand(driver, { phone: sim.numbers[sales].phone, label: "Sales US", baseUrl: sim.url });
    await pasteKey(driver, sim.numbers[sales].key);
    await keyStateIs(driver, "verified");
    await press(driver, By.css("#number-drawer button[aria-label='Close details']"));
    await addNumberByHand(driver, { phone: sim.numbers[support].phone, label: "Support US", baseUrl: sim.url });
    await keyStateIs(driver, "none");
  });
  await j.step("sales-key-on-support-refused", async () => {
    await pasteKey(driver, sim.numbers[sales].key);
    const error = await waitFor(driver, By.id("key-error"), 15000, "the refusal at the key field");
    const text = await error.getText();
    assert.match(text, /Sales US/, text);
    assert.match(text, /Support US/, text);
    assert.equal(await driver.findElement(SEL.keyInput).getAttribute("value"), sim.numbers[sales].key, "the pasted key stays");
    await keyStateIs(driver, "none");
  });
  await j.step("own-key-verified", async () => {
    await pasteKey(driver, sim.numbers[support].key);
    await keyStateIs(driver, "verified");
  });
});

test("a new key that cleared the webhook is reported and re-applied in one click", async () => {
  const { driver } = j;
  const n = sim.numbers[support];
  let url;
  await j.step("webhook-at-the-inbox", async () => {
    await go(driver, "webhook");
    await press(driver, By.xpath("//select[@id='webhook-number']/option[contains(., 'Support US')]"));
    await press(driver, SEL.webhookPointInbox);
    await waitFor(driver, SEL.webhookSaved, 15000, "the webhook is saved");
    url = (await simState(sim.url)).numbers[support].webhook.url;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
  });
  let newKey;
  await j.step("new-key-issued-in-the-hub", async () => {
    // The outside world: a new key is generated in the 360dialog Hub, which clears the webhook.
    await sim.admin("/_sim/settings", { new_key_clears_webhook: true });
    newKey = (await sim.admin(`/_sim/numbers/${n.phoneNumberId}/keys`)).api_key;
    assert.equal((await simState(sim.url)).numbers[support].webhook, null, "360dialog cleared it");
  });
  await j.step("paste-new-key-webhook-lost", async () => {
    await openNumber(driver, "Support US");
    await pasteKey(driver, newKey);
    await keyStateIs(driver, "verified");
    const lost = await waitFor(driver, By.id("webhook-lost"), 15000, "the lost webhook is reported");
    assert.match(await lost.getText(), /webhook/i);
  });
  await j.step("reapply", async () => {
    await press(driver, By.id("webhook-reapply"));
    await driver.wait(async () => (await simState(sim.url)).numbers[support].webhook?.url === url, 15000, "the webhook is back at 360dialog");
  });
  await j.step("audited", async () => {
    await go(driver, "audit");
    await waitFor(driver, By.css("#audit-table tr[data-action='webhook_reapplied']"), 10000, "the re-apply is in the audit log");
  });
});
