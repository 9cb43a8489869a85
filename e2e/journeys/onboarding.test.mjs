// Journey 2, onboarding, from an empty profile: add a simulator number by hand and paste its key,
// point its webhook at this app's inbox in one click, test the endpoint, and see the test event on
// the Inbox page but not in History. A customer then writes in: that message does reach History.
// Then the rest of the setup on the Setup page: the business profile (a limit refused at its field,
// the diff, saved), the conversational components (a new user opening the chat is shown as
// "opened the chat (welcome requested)"), a test message delivered, a block and unblock from the
// customer's conversation — until the checklist is all green, on the Setup and Numbers pages.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { startSim } from "../harness.mjs";
import { skipUnless, startJourney } from "./journey.mjs";
import { SEL, addNumberByHand, choose, fill, go, keyStateIs, pasteKey, press, text, waitFor } from "./ui.mjs";
import { customerOpensChat, customerWrites, simState } from "./world.mjs";

/** What this journey needs from the UI beyond what exists on its own branch. */
export const NEEDS = ["webhook-point-inbox", "inbox-url", "inbox-copy-url", "inbox-kind", "setup-checklist", "profile-save", "components-save", "conversation-block-button"];
const skip = skipUnless(NEEDS, "the one-click inbox webhook and test events (app-demo)");

let j;
let sim;
let photo;

before(async () => {
  if (skip) return;
  sim = await startSim();
  j = await startJourney("onboarding");
  // The shop's logo, somewhere on the user's disk (a PNG's signature, then bytes).
  const dir = mkdtempSync(path.join(os.tmpdir(), "wabadesk-e2e-photo-"));
  photo = path.join(dir, "shop-logo.png");
  const bytes = Buffer.alloc(48_000, 3);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  writeFileSync(photo, bytes);
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
  let customerWamid;

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
    customerWamid = wamid;
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

  const customer = "4915123456789";
  const stepIs = async (step, done, ms = 15000) =>
    waitFor(driver, SEL.setupStep(step, done), ms, `checklist: ${step} ${done ? "done" : "open"}`);

  await j.step("setup-checklist-so-far", async () => {
    await go(driver, "setup");
    await stepIs("key_verified", "true");
    // The endpoint test answered, and the inbox has received the number's events.
    await stepIs("webhook_answering", "true");
    await stepIs("profile_complete", "false");
    await stepIs("components_set", "false");
    await stepIs("test_delivered", "false");
  });

  await j.step("profile-limit-at-its-field", async () => {
    await fill(driver, SEL.profileField("about"), "a".repeat(140));
    const problem = await waitFor(driver, SEL.profileProblem("about"), 10000, "the About limit is shown at its field");
    assert.match(await problem.getText(), /at most 139 characters \(140 now\)/);
    await driver.wait(async () => !(await (await driver.findElement(SEL.profileSave)).isEnabled()), 5000, "Save is off while a limit is broken");
  });

  await j.step("profile-diff-and-save", async () => {
    await fill(driver, SEL.profileField("about"), "Bikes and repairs, Mon–Sat");
    await fill(driver, SEL.profileField("description"), "The bike shop on Main Street.");
    await fill(driver, SEL.profileField("address"), "Main St 1, Berlin");
    await fill(driver, SEL.profileField("email"), "help@example.com");
    await fill(driver, SEL.profileField("website1"), "https://example.com");
    await choose(driver, SEL.profileVerticalOption("RETAIL"));
    // The photo: picked from disk, uploaded with the resumable upload, shown before it is saved.
    await (await driver.findElement(SEL.profilePhotoFile)).sendKeys(photo);
    await waitFor(driver, SEL.profilePhotoUploaded, 20000, "the photo is uploaded");
    assert.match(await (await driver.findElement(SEL.profilePhotoPreview)).getAttribute("src"), /^blob:/, "the new photo is previewed");
    for (const field of ["about", "description", "address", "email", "websites", "vertical", "photo"]) {
      await waitFor(driver, SEL.profileDiffRow(field), 10000, `the diff lists ${field}`);
    }
    await press(driver, SEL.profileSave);
    await waitFor(driver, SEL.profileSaved, 15000, "the profile is saved");
    await driver.wait(async () => (await text(driver, SEL.profileComplete)) === "complete", 10000);
    // Saved: WhatsApp's address for the photo is shown, and the picture stays on screen.
    assert.match(await text(driver, SEL.profilePhotoUrl), /^https:\/\//, "the profile_picture_url WhatsApp gave");
    assert.match(await (await driver.findElement(SEL.profilePhotoPreview)).getAttribute("src"), /^blob:/);
    await stepIs("profile_complete", "true");
  });

  await j.step("components-with-preview", async () => {
    await press(driver, SEL.componentsWelcome);
    await press(driver, SEL.componentsAddBreaker);
    await fill(driver, SEL.componentsBreaker(0), "Where is my order?");
    await press(driver, SEL.componentsAddCommand);
    await fill(driver, SEL.componentsCommandName(0), "repair");
    await fill(driver, SEL.componentsCommandDescription(0), "Book a repair");
    await waitFor(driver, SEL.componentsPreviewBreaker("Where is my order?"), 5000, "the preview shows the ice breaker");
    await press(driver, SEL.componentsSave);
    await waitFor(driver, SEL.componentsSaved, 15000, "the components are saved");
    await stepIs("components_set", "true");
  });

  await j.step("welcome-request-in-history", async () => {
    // The outside world: a new user opens the chat; with the welcome message on, Meta says so.
    const { id: welcomeWamid, request_welcome } = await customerOpensChat(sim.url, number.phoneNumberId, { from: "4915100000042", name: "Ben" });
    assert.equal(request_welcome, true);
    await go(driver, "history");
    const row = await waitFor(driver, SEL.historyRow(welcomeWamid), 15000, "the welcome request is in History");
    // The message cell may be cut off at this window width: read the row's whole text.
    assert.match(await row.getAttribute("textContent"), /opened the chat \(welcome requested\)/);
  });

  await j.step("test-message-delivered", async () => {
    await go(driver, "send");
    await fill(driver, SEL.textTo, customer);
    await fill(driver, SEL.textBody, "Your bike is ready.");
    await press(driver, SEL.textSend);
    await waitFor(driver, SEL.textAccepted, 15000, "360dialog accepted the message");
    await go(driver, "setup");
    await stepIs("test_delivered", "true", 20000);
  });

  await j.step("block-and-unblock-from-conversation", async () => {
    await go(driver, "history");
    await press(driver, SEL.historyRowOpen(customerWamid));
    await press(driver, SEL.openConversation);
    await press(driver, SEL.conversationBlock);
    const result = await waitFor(driver, SEL.blockResult, 15000, "the block is reported");
    assert.match(await result.getText(), new RegExp(`Blocked: ${customer}`));
    await press(driver, SEL.conversationUnblock);
    await driver.wait(async () => {
      const [r] = await driver.findElements(SEL.blockResult);
      return r !== undefined && new RegExp(`Unblocked: ${customer}`).test(await r.getText());
    }, 15000, "the unblock is reported");
    await waitFor(driver, SEL.conversationBlock, 10000, "the contact can be blocked again");
  });

  await j.step("checklist-all-green", async () => {
    await go(driver, "setup");
    await waitFor(driver, SEL.blockEmpty, 10000, "no one is blocked any more");
    for (const step of ["key_verified", "webhook_answering", "profile_complete", "components_set", "test_delivered"]) {
      await stepIs(step, "true");
    }
    assert.equal(await text(driver, SEL.setupChecklistCount), "5 of 5 done");
    await go(driver, "numbers");
    const progress = await waitFor(driver, SEL.setupProgress(number.phone), 10000, "the Numbers page shows the progress");
    await driver.wait(async () => (await progress.getAttribute("data-done")) === "5", 10000);
    assert.match(await progress.getText(), /5 of 5/);
    await go(driver, "audit");
    for (const action of ["business_profile_changed", "components_changed", "users_blocked", "users_unblocked"]) {
      await waitFor(driver, SEL.auditRow(action), 10000, `the audit log has ${action}`);
    }
  });
});
