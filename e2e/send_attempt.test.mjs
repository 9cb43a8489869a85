// A send whose answer was lost, in the real window: History shows the attempt with its text and
// offers "Check status", not "Resend as test"; when a status naming the attempt (through
// biz_opaque_callback_data) reaches the inbox, the same row takes its wamid and status.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { By, addSimNumber, cliWith, launch, screenshot, startInbox, startSim, until, waitReady } from "./harness.mjs";

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

test("an outcome-unknown send is in History with its text, Check status, and its statuses as they arrive", async () => {
  await app.step("outcome-unknown", async () => {
    const { driver } = app;
    const inboxUrl = await startInbox(driver);
    const pnid = sim.numbers[0].phoneNumberId;

    // The customer writes (the window opens at the simulator); the send's answer is then lost.
    await sim.admin(`/_sim/numbers/${pnid}/inbound`, { from: "4915123456789", name: "Ana", text: "Is it on its way?" });
    await sim.admin("/_sim/faults", { kind: "drop", path: "/messages" });
    const failed = cliWith(env, ["send", "text", "Shop", "--to", "+49 151 23456789", "--text", "Yes, it left today"]).error;
    assert.equal(failed.code, "outcome_unknown", JSON.stringify(failed));
    const reference = failed.message.match(/Its reference is (wd-[0-9a-f]+)/)?.[1];
    assert.ok(reference, failed.message);

    await driver.findElement(By.css("a[data-section='history']")).click();
    const attemptRow = `#history-table [role='row'][data-wamid='${reference}']`;
    await driver.wait(until.elementLocated(By.css(`${attemptRow}[data-status='outcome_unknown']`)), 10000, "the attempt is listed");
    await driver.findElement(By.css(`${attemptRow} button.link`)).click();
    await driver.wait(until.elementLocated(By.id("check-status")), 5000);
    assert.equal(await driver.findElement(By.id("message-body")).getText(), "Yes, it left today");
    assert.equal((await driver.findElements(By.id("resend"))).length, 0, "no Resend as test while the outcome is unknown");
    assert.match(await driver.findElement(By.id("message-unknown")).getText(), /may or may not have gone out/);
    await screenshot(driver, "outcome-unknown");

    // A status that echoes the attempt's reference arrives: the same row takes its wamid.
    const status = {
      object: "whatsapp_business_account",
      entry: [{ id: sim.numbers[0].wabaId, changes: [{ field: "messages", value: {
        messaging_product: "whatsapp",
        metadata: { display_phone_number: sim.numbers[0].phone.slice(1), phone_number_id: pnid },
        statuses: [{ id: "wamid.E2E-LOST", status: "delivered", timestamp: String(Math.floor(Date.now() / 1000)),
          recipient_id: "4915123456789", biz_opaque_callback_data: reference }],
      } }] }],
    };
    const r = await fetch(inboxUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(status) });
    assert.equal(r.status, 200);
    await driver.wait(until.elementLocated(By.css("#message-status")), 5000);
    await driver.wait(async () => (await driver.findElement(By.id("message-status")).getText()) === "delivered", 15000, "the drawer follows the status");
    assert.equal((await driver.findElements(By.id("check-status"))).length, 0);
    const rows = await driver.findElements(By.css("#history-table [role='row'][data-wamid='wamid.E2E-LOST']"));
    assert.equal(rows.length, 1, "one row: the attempt, now with its wamid");
    const out = cliWith(env, ["history", "list", "--limit", "100"]).filter((m) => m.direction === "out");
    assert.equal(out.length, 1, JSON.stringify(out));
    assert.equal(out[0].body, "Yes, it left today");
  });
});
