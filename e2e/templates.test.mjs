// Templates in the real window: build a template with a header variable, two body variables and
// a URL button; the preview follows the typing; submit; Meta's review (simulated) approves it;
// test-send it and see "delivered" arrive through the inbox. Then build a media card carousel and an
// authentication template by their types, submit both and find them in the library.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { By, addSimNumber, launch, screenshot, startInbox, startSim, until, waitReady, pointWebhook } from "./harness.mjs";

let app;
let sim;

before(async () => {
  sim = await startSim();
  app = await launch((e) => addSimNumber(e, sim));
  await waitReady(app.driver);
});
after(async () => {
  await app?.quit();
  sim?.stop();
});

// A field may appear a render after the click that asks for it (a header format, a button kind):
// wait for it as a person's eyes do.
const type = async (driver, id, text) => (await driver.wait(until.elementLocated(By.id(id)), 5000)).sendKeys(text);
const previewText = async (driver) => driver.findElement(By.id("tpl-preview")).getText();

test("build, preview, submit, approve, test-send, delivered", async () => {
  await app.step("templates", async () => {
    const { driver } = app;
    const inboxUrl = await startInbox(driver);
    await pointWebhook(sim, inboxUrl);

    await driver.findElement(By.css("a[data-section='templates']")).click();
    // Synced on opening: the number has no templates yet.
    await driver.wait(until.elementLocated(By.xpath("//h2[text()='No templates yet']")), 10000);
    await driver.wait(until.elementLocated(By.id("templates-new")), 5000).click();
    await driver.wait(until.elementLocated(By.id("tpl-name")), 5000);

    await type(driver, "tpl-name", "order_update");
    await driver.findElement(By.css("#tpl-header-format option[value='TEXT']")).click();
    await type(driver, "tpl-header-text", "Order {{1}}");
    await type(driver, "tpl-body", "Hi {{1}}, your order ships on *{{2}}*.");
    // The core's check: variables need samples, shown at the samples.
    const samplesIssue = await driver.wait(until.elementLocated(By.css("[data-field='body_samples']")), 5000);
    assert.match(await samplesIssue.getText(), /sample/);
    assert.match(await driver.findElement(By.id("tpl-submit")).getText(), /Fix \d+ problems? to submit/);

    await type(driver, "tpl-header-sample", "A-1001");
    await type(driver, "tpl-sample-1", "Ana");
    await type(driver, "tpl-sample-2", "Friday");
    await driver.findElement(By.css("#tpl-add-kind option[value='URL']")).click();
    // A click that comes just after the choice can be taken by the closing list: once the
    // choice is shown, Add button is clicked again if no button came of it within 3 s.
    await driver.wait(async () => (await driver.findElement(By.id("tpl-add-kind")).getAttribute("value")) === "URL", 5000);
    for (let attempt = 1; attempt <= 2; attempt++) {
      await driver.findElement(By.id("tpl-add-button")).click();
      const added = await driver.wait(until.elementLocated(By.id("tpl-button-0-text")), 3000).then(() => true, () => false);
      if (added) break;
    }
    await type(driver, "tpl-button-0-text", "Track order");
    // The URL field starts empty (its placeholder shows the form).
    await type(driver, "tpl-button-0-url", "https://shop.example.com/t/{{1}}");
    await driver.wait(until.elementLocated(By.id("tpl-button-0-sample")), 5000);
    await type(driver, "tpl-button-0-sample", "A-1001");
    await type(driver, "tpl-footer", "Reply STOP to opt out");

    // The preview follows, with the samples filled in and the formatting applied.
    await driver.wait(async () => (await previewText(driver)).includes("Hi Ana, your order ships on Friday."), 5000);
    const preview = await previewText(driver);
    assert.ok(preview.includes("Order A-1001") && preview.includes("Track order") && preview.includes("Reply STOP"), preview);
    assert.equal(await driver.findElement(By.css("#tpl-preview .wa-bubble__body strong")).getText(), "Friday");
    const submit = driver.findElement(By.id("tpl-submit"));
    await driver.wait(async () => (await submit.getText()) === "Submit for review", 5000, "no problems left");
    await driver.executeScript("document.getElementById('tpl-builder').scrollIntoView()");
    await screenshot(driver, "template-builder");

    await submit.click();
    await driver.wait(until.elementLocated(By.xpath("//p[contains(., 'Submitted order_update (en_US): pending')]")), 10000);
    const variant = "[data-template='order_update'] button[data-language='en_US']";
    await driver.wait(until.elementLocated(By.css(`${variant} [data-status='pending']`)), 5000);
    // Meta's review is simulated (300 ms); a sync brings the outcome.
    await new Promise((r) => setTimeout(r, 400));
    await driver.findElement(By.id("templates-sync")).click();
    await driver.wait(until.elementLocated(By.css(`${variant} [data-status='approved']`)), 10000);

    await driver.findElement(By.css(variant)).click();
    await driver.findElement(By.id("templates-test-send")).click();
    const field = await driver.wait(until.elementLocated(By.id("send-field-body-2")), 5000);
    assert.equal(await field.getAttribute("value"), "Friday", "samples prefill the form");
    await type(driver, "send-to", "4915123456789");
    await driver.wait(async () => (await driver.findElement(By.id("send-preview")).getText()).includes("Order A-1001"), 5000);
    await driver.findElement(By.id("send-submit")).click();
    const wamid = await driver.wait(until.elementLocated(By.id("send-wamid")), 10000).getText();
    assert.ok(wamid.startsWith("wamid."), wamid);
    await driver.wait(
      async () => ["delivered", "read"].includes(await driver.findElement(By.id("send-status")).getAttribute("data-status")),
      20000,
      "delivered through the inbox",
    );
    assert.match(await driver.findElement(By.id("tpl-send")).getText(), /delivered/);
    assert.match(await driver.findElement(By.id("send-curl")).getText(), /D360-API-KEY: ••••/);
    assert.match(await driver.findElement(By.id("send-httpie")).getText(), /http POST .*D360-API-KEY:••••/s);
    assert.match(await driver.findElement(By.id("send-opt-in")).getText(), /opted in/);
    await screenshot(driver, "template-test-send");

    // "Copy as curl" pasted back ("Paste curl") opens the same test-send with the same values.
    const curl = await driver.executeScript("return document.getElementById('send-curl').textContent");
    const httpie = await driver.executeScript("return document.getElementById('send-httpie').textContent");
    await driver.findElement(By.xpath("//button[.='Back to the library']")).click();
    await driver.findElement(By.id("templates-paste-curl")).click();
    const box = await driver.wait(until.elementLocated(By.id("templates-curl")), 5000);
    await driver.executeScript(
      "const t = arguments[0]; const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set; set.call(t, arguments[1]); t.dispatchEvent(new Event('input', { bubbles: true }));",
      box,
      curl,
    );
    await driver.findElement(By.id("templates-curl-open")).click();
    const again = await driver.wait(until.elementLocated(By.id("send-field-body-2")), 5000);
    await driver.wait(async () => (await again.getAttribute("value")) === "Friday", 5000, "the pasted request's values");
    assert.equal(await driver.findElement(By.id("send-to")).getAttribute("value"), "4915123456789");
    assert.equal(await driver.findElements(By.id("send-curl-notes")).then((e) => e.length), 0, "nothing to note");

    // "Copy as HTTPie" pasted back opens it too.
    await driver.findElement(By.xpath("//button[.='Back to the library']")).click();
    await driver.findElement(By.id("templates-paste-curl")).click();
    const box2 = await driver.wait(until.elementLocated(By.id("templates-curl")), 5000);
    await driver.executeScript(
      "const t = arguments[0]; const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set; set.call(t, arguments[1]); t.dispatchEvent(new Event('input', { bubbles: true }));",
      box2,
      httpie,
    );
    // The box is as wide as its card: a pasted command is readable.
    const [boxWidth, cardWidth] = await driver.executeScript(
      "const t = document.getElementById('templates-curl'); return [t.getBoundingClientRect().width, t.closest('.card').getBoundingClientRect().width];",
    );
    assert.ok(boxWidth > cardWidth * 0.8, `${boxWidth} of ${cardWidth}`);
    await driver.findElement(By.id("templates-curl-open")).click();
    const third = await driver.wait(until.elementLocated(By.id("send-field-body-2")), 5000);
    await driver.wait(async () => (await third.getAttribute("value")) === "Friday", 5000, "the pasted HTTPie request's values");
    assert.equal(await driver.findElement(By.id("send-to")).getAttribute("value"), "4915123456789");
  });
});

test("build and submit a carousel and an authentication template", async () => {
  await app.step("template-types", async () => {
    const { driver } = app;
    const pick = async (type) => (await driver.wait(until.elementLocated(By.css(`#tpl-type option[value='${type}']`)), 5000)).click();
    const submitWhenClean = async (name) => {
      const submit = driver.findElement(By.id("tpl-submit"));
      await driver.wait(async () => (await submit.getText()) === "Submit for review", 5000, `${name}: no problems left`);
      await submit.click();
      await driver.wait(until.elementLocated(By.xpath(`//p[contains(., 'Submitted ${name} (en_US): pending')]`)), 10000);
      await driver.wait(until.elementLocated(By.css(`[data-template='${name}'] button[data-language='en_US']`)), 5000);
    };

    // From the test-send form of the first test, back to the library.
    await driver.findElement(By.css("a[data-section='templates']")).click();
    const back = await driver.findElements(By.xpath("//button[text()='Back to the library']"));
    if (back.length > 0) await back[0].click();
    await driver.wait(until.elementLocated(By.id("templates-new")), 10000).click();
    await driver.wait(until.elementLocated(By.id("tpl-name")), 5000);
    await pick("CAROUSEL_MEDIA");
    // Only the carousel's fields: no header or footer outside the cards.
    assert.equal((await driver.findElements(By.id("tpl-footer"))).length, 0);
    await type(driver, "tpl-name", "spring_picks");
    await type(driver, "tpl-body", "Our spring picks for you.");
    for (const i of [0, 1]) {
      await type(driver, `tpl-card-${i}-handle`, "4::aW1n");
      await type(driver, `tpl-card-${i}-body`, `Plant ${i + 1}, ready to ship.`);
      await type(driver, `tpl-card-${i}-button-0-text`, "More like this");
    }
    // A URL button added on the first card is added to every card (the cards stay alike).
    await driver.findElement(By.css("#tpl-card-add-kind option[value='URL']")).click();
    await driver.findElement(By.id("tpl-card-add-button")).click();
    for (const i of [0, 1]) {
      await type(driver, `tpl-card-${i}-button-1-text`, "Shop");
      await type(driver, `tpl-card-${i}-button-1-url`, `https://shop.example.com/plants/${i + 1}`);
    }
    await driver.wait(async () => (await driver.findElements(By.css("#tpl-preview .wa-card"))).length === 2, 5000, "two cards in the preview");
    assert.match(await driver.findElement(By.css("#tpl-preview .wa-card[data-card='1']")).getText(), /Plant 2, ready to ship\.[\s\S]*Shop/);
    await driver.executeScript("document.getElementById('tpl-builder').scrollIntoView()");
    await screenshot(driver, "template-builder-carousel");
    await submitWhenClean("spring_picks");

    await driver.findElement(By.id("templates-new")).click();
    await driver.wait(until.elementLocated(By.id("tpl-name")), 5000);
    await type(driver, "tpl-name", "login_code");
    await pick("AUTHENTICATION");
    assert.equal((await driver.findElements(By.id("tpl-body"))).length, 0, "Meta writes the body");
    await type(driver, "tpl-expiry", "10");
    await driver.wait(async () => (await previewText(driver)).includes("This code expires in 10 minutes."), 5000);
    const preview = await previewText(driver);
    assert.ok(preview.includes("123456 is your verification code. For your security, do not share this code."), preview);
    assert.ok(preview.includes("Copy code"), preview);
    await screenshot(driver, "template-builder-authentication");
    await submitWhenClean("login_code");

    // Both are in the library; Meta's review (simulated) approves them on the next sync.
    await new Promise((r) => setTimeout(r, 400));
    await driver.findElement(By.id("templates-sync")).click();
    for (const name of ["spring_picks", "login_code"]) {
      await driver.wait(until.elementLocated(By.css(`[data-template='${name}'] button[data-language='en_US'] [data-status='approved']`)), 10000);
    }
    await driver.findElement(By.css("[data-template='spring_picks'] button[data-language='en_US']")).click();
    await driver.wait(async () => (await driver.findElements(By.css("#templates-preview .wa-card"))).length === 2, 5000, "the library shows the cards");
  });
});
