// Journey 1, admin, from an empty profile: try the demo, see the numbers healthy; someone issues
// a new key in the 360dialog Hub (the demo's simulator plays the Hub); the app shows the old key
// superseded; paste the new key: verified, and the audit log shows the rotation. Back to the
// user's own profile, which the demo left empty.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { skipUnless, startJourney } from "./journey.mjs";
import { SEL, countOf, go, keyStateIs, pasteKey, press, text, waitFor } from "./ui.mjs";
import { issueNewKeyInHub } from "./world.mjs";

/** What this journey needs from the UI beyond what exists on its own branch. */
export const NEEDS = ["try-demo", "leave-demo"];
const skip = skipUnless(NEEDS, "demo mode in the app (app-demo)");

let j;

before(async () => {
  if (skip) return;
  j = await startJourney("admin");
});
after(async () => {
  j?.writeTimings();
  await j?.quit();
});

test("journey 1: admin — demo, healthy numbers, a key issued outside is superseded, the new one verified and audited", { skip }, async () => {
  const { driver } = j;
  let rows;
  let rotatedBefore;
  let newKey;

  await j.step("empty-numbers-page-offers-the-demo", async () => {
    await go(driver, "numbers");
    await waitFor(driver, SEL.tryDemo, 10000, "the empty Numbers page offers the demo");
    assert.equal(await countOf(driver, SEL.numbersTable), 0);
  });

  await j.step("try-the-demo", async () => {
    await press(driver, SEL.tryDemo);
    const banner = await waitFor(driver, SEL.demoBanner, 60000, "the demo banner");
    assert.match(await banner.getText(), /Demo — nothing leaves this computer/);
    await driver.wait(async () => (await countOf(driver, SEL.numberRows)) >= 2, 60000, "the demo numbers are listed");
    rows = await driver.findElements(SEL.numberRowsOpen);
    for (const r of rows) assert.match(await r.getText(), /^Demo/);
  });

  await j.step("numbers-healthy", async () => {
    // The user checks every key (and each number's health with it).
    await press(driver, SEL.verifyAll);
    const n = rows.length;
    await driver.wait(async () => (await countOf(driver, SEL.keyStateOf("verified"))) === n, 30000, "every key verified");
    await driver.wait(async () => (await countOf(driver, SEL.healthOf("AVAILABLE"))) === n, 30000, "every number healthy");
  });

  await j.step("audit-before", async () => {
    await go(driver, "audit");
    await waitFor(driver, SEL.auditRows, 10000);
    rotatedBefore = await countOf(driver, SEL.auditRow("key_rotated"));
  });

  await j.step("new-key-issued-in-the-hub", async () => {
    await go(driver, "numbers");
    await press(driver, SEL.numberRowsOpen);
    await waitFor(driver, SEL.numberDrawer);
    await keyStateIs(driver, "verified");
    // Where the (demo) 360dialog is and which number it is, as the drawer shows them.
    const hub = (await text(driver, SEL.drawerFact("API base URL"))).trim();
    const phoneNumberId = (await text(driver, SEL.drawerFact("Phone number id"))).trim();
    assert.match(hub, /^http:\/\/127\.0\.0\.1:\d+/);
    newKey = await issueNewKeyInHub(hub.replace(/\/+$/, ""), phoneNumberId);
    assert.ok(newKey);
  });

  await j.step("old-key-superseded", async () => {
    await press(driver, SEL.keyCheck);
    await keyStateIs(driver, "superseded");
    assert.match(await text(driver, SEL.drawerAlert), /API key rejected/);
    assert.equal(await text(driver, SEL.numbersBadge), "1");
  });

  await j.step("paste-new-key-verified", async () => {
    await pasteKey(driver, newKey);
    await keyStateIs(driver, "verified");
    await driver.wait(async () => (await countOf(driver, SEL.numbersBadge)) === 0, 10000, "no number needs attention");
    await waitFor(driver, SEL.keyHistoryAction("key_rotated"));
    const actions = await Promise.all((await driver.findElements(SEL.keyHistory)).map((li) => li.getAttribute("data-action")));
    assert.deepEqual(actions.slice(0, 2), ["key_rotated", "key_superseded"]);
  });

  await j.step("audit-shows-the-rotation", async () => {
    await go(driver, "audit");
    await driver.wait(async () => (await countOf(driver, SEL.auditRow("key_rotated"))) === rotatedBefore + 1, 10000, "one more key_rotated entry");
    assert.ok((await countOf(driver, SEL.auditRow("key_superseded"))) >= 1);
    const newest = (await driver.findElements(SEL.auditRows))[0];
    assert.equal(await newest.getAttribute("data-action"), "key_rotated");
  });

  await j.step("back-to-my-profile", async () => {
    await press(driver, SEL.leaveDemo);
    await driver.wait(async () => (await countOf(driver, SEL.demoBanner)) === 0, 30000, "the demo banner goes");
    await go(driver, "numbers");
    await waitFor(driver, SEL.tryDemo, 10000, "the user's own profile is still empty");
    assert.equal(await countOf(driver, SEL.numbersTable), 0);
  });
});
