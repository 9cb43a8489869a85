// Partner mode in the real window against the simulator's Partner API, from an empty profile:
// enter the partner key → the channels are listed → import two → "Generate new key" on one (the
// old key now gets 401 at the simulator, the new one works, the webhook the new key cleared is
// set again) → a template submitted through the app is approved and the signed partner event
// updates the library with no sync; a forged partner event is refused and listed.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { filesContaining, startInbox, startSim } from "./harness.mjs";
import { startJourney } from "./journeys/journey.mjs";
import { By, SEL, choose, fill, go, keyStateIs, press, waitFor } from "./journeys/ui.mjs";
import { simState } from "./journeys/world.mjs";

let j;
let sim;

before(async () => {
  sim = await startSim({ reviewDelayMs: 1500 });
  j = await startJourney("partner");
});
after(async () => {
  j?.writeTimings();
  await j?.quit();
  sim?.stop();
});

/** What the Partner Hub shows the partner: id, API key, platform secret, channels. */
const partnerHub = async () => (await fetch(`${sim.url}/_sim/partner`)).json();

const healthWith = async (key) =>
  (await fetch(`${sim.url}/health_status`, { headers: { "D360-API-KEY": key } })).status;

const openNumber = async (driver, label) => {
  await go(driver, "numbers");
  await press(driver, By.xpath(`//table//button[contains(normalize-space(), '${label}')]`));
  await waitFor(driver, SEL.numberDrawer, 10000, `${label}'s drawer opens`);
};

test("partner key → channels → import two → generate a key → template approved by a partner event", async () => {
  const { driver } = j;
  const hub = await partnerHub();
  const [first, second] = hub.channels;
  const label = `${first.client.name} line`;

  await j.step("simulator-address", async () => {
    await go(driver, "settings");
    await fill(driver, By.id("settings-simulator"), sim.url);
    await press(driver, By.id("settings-save"));
    await waitFor(driver, SEL.settingsSaved, 10000, "the settings are saved");
  });

  await j.step("partner-key-entered", async () => {
    await go(driver, "partner");
    await fill(driver, By.id("partner-id"), hub.partner_id);
    await choose(driver, By.css("#partner-environment option[value='simulator']"));
    await fill(driver, By.id("partner-key"), hub.api_key);
    await press(driver, By.id("partner-save"));
    const facts = await waitFor(driver, By.id("partner-account"), 15000, "the partner account is saved");
    const text = await facts.getText();
    assert.match(text, new RegExp(hub.partner_id));
    assert.ok(!text.includes(hub.api_key), "the key is never shown");
  });

  await j.step("channels-listed", async () => {
    for (const c of hub.channels) {
      await waitFor(driver, By.css(`#channels-table tr[data-channel-id='${c.id}']`), 15000, `channel ${c.id} listed`);
    }
    const row = await driver.findElement(By.css(`#channels-table tr[data-channel-id='${first.id}']`)).getText();
    assert.match(row, new RegExp(first.client_id));
    assert.match(row, new RegExp(first.setup_info.phone_number));
  });

  await j.step("import-two", async () => {
    await press(driver, By.css(`#channels-table input[aria-label='Select channel ${first.id}']`));
    await press(driver, By.css(`#channels-table input[aria-label='Select channel ${second.id}']`));
    await press(driver, By.id("channels-import"));
    await driver.wait(
      async () => (await driver.findElements(By.css("#import-outcomes li[data-ok='true']"))).length === 2,
      15000,
      "both channels imported",
    );
  });

  let oldKey;
  await j.step("first-key-generated", async () => {
    await openNumber(driver, label);
    await waitFor(driver, By.id("partner-section"), 10000, "the partner channel is shown on the number");
    await press(driver, By.id("generate-key"));
    await keyStateIs(driver, "verified", 20000);
    await waitFor(driver, By.id("generate-outcome"), 10000, "the outcome in plain words");
    oldKey = (await simState(sim.url)).numbers[0].api_key;
    assert.equal(await healthWith(oldKey), 200);
    await press(driver, By.css("#number-drawer button[aria-label='Close details']"));
  });

  let inboxUrl;
  await j.step("webhook-at-the-inbox", async () => {
    inboxUrl = await startInbox(driver);
    await go(driver, "webhook");
    await press(driver, By.xpath(`//select[@id='webhook-number']/option[contains(., '${label}')]`));
    await press(driver, SEL.webhookPointInbox);
    await waitFor(driver, SEL.webhookSaved, 15000, "the webhook is saved");
    assert.match((await simState(sim.url)).numbers[0].webhook.url, /^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
  });

  await j.step("generate-new-key", async () => {
    // 360dialog is reported to clear the webhook when a new key is issued.
    await sim.admin("/_sim/settings", { new_key_clears_webhook: true });
    await openNumber(driver, label);
    await press(driver, By.id("generate-key"));
    const outcome = await waitFor(driver, By.id("generate-outcome"), 20000, "the outcome in plain words");
    const said = await outcome.getText();
    assert.match(said, /older keys no longer work/, said);
    assert.match(said, /set again/, said);
    const state = await simState(sim.url);
    const newKey = state.numbers[0].api_key;
    assert.notEqual(newKey, oldKey);
    assert.equal(await healthWith(oldKey), 401, "the old key is refused");
    assert.equal(await healthWith(newKey), 200, "the new key works");
    assert.ok(state.numbers[0].webhook?.url, "the webhook was re-applied");
    assert.match(state.numbers[0].webhook.url, /\/webhook$/);
    await press(driver, By.css("#number-drawer button[aria-label='Close details']"));
  });

  const partnerUrl = inboxUrl.replace(/\/webhook$/, "/partner");
  await j.step("partner-webhook-to-the-inbox", async () => {
    await go(driver, "partner");
    await press(driver, By.id("partner-webhook-use-inbox"));
    // The platform secret, copied from the Partner Hub.
    await fill(driver, By.id("partner-webhook-secret"), hub.webhook_secret);
    await press(driver, By.id("partner-webhook-save"));
    await waitFor(driver, By.xpath("//form[@id='partner-webhook-form']//p[@role='status'][starts-with(normalize-space(), 'Partner webhook set')]"), 15000);
    assert.equal((await partnerHub()).webhook_url, partnerUrl);
  });

  await j.step("template-approved-by-partner-event", async () => {
    await go(driver, "templates");
    await press(driver, By.xpath(`//select[@id='templates-number']/option[contains(., '${label}')]`));
    await press(driver, SEL.templatesNew);
    await fill(driver, SEL.tplName, "partner_ready");
    await fill(driver, SEL.tplBody, "Hi {{1}}, your order is ready.");
    await fill(driver, SEL.tplSample(1), "Ana");
    const submit = await driver.findElement(SEL.tplSubmit);
    await driver.wait(async () => (await submit.getText()) === "Submit for review", 5000, "no problems left");
    await press(driver, SEL.tplSubmit);
    await waitFor(driver, SEL.variantStatus("partner_ready", "en_US", "pending"), 10000, "pending after submit");
    // No sync: the signed partner event approves it in the library.
    await waitFor(driver, SEL.variantStatus("partner_ready", "en_US", "approved"), 15000, "approved by the partner event");
    const delivered = (await partnerHub()).deliveries.filter((d) => d.event === "waba_template_status_changed" && d.delivered);
    assert.ok(delivered.length >= 1, "the partner event was delivered");
  });

  await j.step("forged-event-refused-and-listed", async () => {
    const body = JSON.stringify({ event: "channel_live", data: { id: first.id } });
    const forged = createHmac("sha256", "not the platform secret").update(body).digest("hex");
    const r1 = await fetch(partnerUrl, { method: "POST", headers: { "x-360dialog-signature": forged }, body });
    assert.equal(r1.status, 401);
    const r2 = await fetch(partnerUrl, { method: "POST", body });
    assert.equal(r2.status, 401);
    await go(driver, "inbox");
    const list = await waitFor(driver, By.id("inbox-rejections"), 15000, "the refusals are listed");
    await list.findElement(By.css("summary")).click();
    await driver.wait(async () => /wrong x-360dialog-signature/.test(await list.getText()), 10000);
    assert.match(await list.getText(), /unsigned partner event/);
  });

  await j.step("no-secret-outside-the-keyring", async () => {
    const state = await simState(sim.url);
    const secrets = [hub.api_key, hub.webhook_secret, oldKey, state.numbers[0].api_key];
    for (const secret of secrets) {
      assert.deepEqual(filesContaining(j.dataDir, secret), [], "a secret is stored in the data dir");
      assert.equal(readFileSync(j.logFile, "utf8").includes(secret), false, "a secret is in the app's log");
    }
  });
});
