// Journey: a template with an image header, from an empty profile. Add a simulator number and
// paste its key, start a template, choose an image header, pick the sample file in the file
// picker; the line to 360dialog cuts the transfer part-way (the outside world), the progress bar
// shows the upload resume, the handle fills in by itself, and the template is submitted and
// approved.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { startSim } from "../harness.mjs";
import { startJourney } from "./journey.mjs";
import { SEL, addNumberByHand, choose, fill, go, keyStateIs, pasteKey, press, text, waitFor } from "./ui.mjs";
import { networkCutsUpload, simState } from "./world.mjs";

const NAME = "spring_sale";
const SIZE = 1_500_000;

let j;
let sim;
let sample;

before(async () => {
  sim = await startSim({ reviewDelayMs: 1500 });
  j = await startJourney("media");
  // The user's sample picture, somewhere on their disk.
  const dir = mkdtempSync(path.join(os.tmpdir(), "wabadesk-e2e-media-"));
  sample = path.join(dir, "spring-sale.png");
  const bytes = Buffer.alloc(SIZE, 7);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  writeFileSync(sample, bytes);
});
after(async () => {
  j?.writeTimings();
  await j?.quit();
  sim?.stop();
});

test("journey: image header sample picked, uploaded with progress through a cut, handle filled, submitted", async () => {
  const { driver } = j;
  const number = sim.numbers[0];

  await j.step("add-number-and-key", async () => {
    await addNumberByHand(driver, { phone: number.phone, label: "Media Shop", baseUrl: sim.url });
    await pasteKey(driver, number.key);
    await keyStateIs(driver, "verified");
  });

  await j.step("start-template-with-image-header", async () => {
    await go(driver, "templates");
    await press(driver, SEL.templatesNew);
    await fill(driver, SEL.tplName, NAME);
    await choose(driver, SEL.tplHeaderFormatOption("IMAGE"));
    await fill(driver, SEL.tplBody, "Our spring sale starts today.");
    await waitFor(driver, SEL.tplHeaderFile, 10000, "the image header asks for a sample file");
    const submit = await driver.findElement(SEL.tplSubmit);
    await driver.wait(async () => (await submit.getText()) !== "Submit for review", 5000, "no sample yet: the draft has a problem");
  });

  await networkCutsUpload(sim.url, { afterBytes: 400_000 });

  await j.step("pick-file-progress-resumes", async () => {
    const input = await driver.findElement(SEL.tplHeaderFile);
    await input.sendKeys(sample);
    const bar = await waitFor(driver, SEL.tplHeaderProgress, 10000, "the progress bar shows");
    assert.match(await bar.getText(), /Uploading spring-sale\.png/);
    await driver.wait(async () => /resumed once/.test(await text(driver, SEL.tplHeaderProgress).catch(() => "")), 10000, "the bar says the upload resumed");
  });

  await j.step("handle-filled-in", async () => {
    await waitFor(driver, SEL.tplHeaderUploaded, 20000, "the upload finishes");
    const handle = await driver.findElement(SEL.tplHeaderHandle);
    assert.match(await handle.getAttribute("value"), /^4::/);
    assert.equal((await driver.findElements(SEL.tplHeaderProgress)).length, 0, "the bar is gone");
    const submit = await driver.findElement(SEL.tplSubmit);
    await driver.wait(async () => (await submit.getText()) === "Submit for review", 10000, "the draft has no problems left");
  });

  await j.step("submitted-and-approved", async () => {
    await press(driver, SEL.tplSubmit);
    await waitFor(driver, SEL.variantStatus(NAME, "en_US", "approved"), 20000, "the template is approved");
    const state = await simState(sim.url);
    assert.equal(state.numbers[0].templates, 1, "360dialog took the template with the uploaded handle");
  });
});
