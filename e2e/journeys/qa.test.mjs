// Journey 3, QA, from an empty profile: set "Your name", add a simulator number by hand and paste
// its key, build a template with an image header (a file picked from disk, uploaded with progress),
// two body variables and a URL button, submit it and see Meta's approval arrive without pressing
// Sync, add a second language, test-send with a picture uploaded to the media library, run QA on
// both (the picture serves both languages), see each
// message as it was sent (bubble, parameters, from and to), sign each off (locked, named), change
// one verdict (a new, audited entry), export the report as Markdown, CSV and a printable page and
// read each file in the Downloads folder, with "Open folder" offered.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { startSim } from "../harness.mjs";
import { startJourney } from "./journey.mjs";
import { Key, SEL, addNumberByHand, choose, fill, go, keyStateIs, pasteKey, press, text, until, waitFor } from "./ui.mjs";

/** A CSV's records (a line break inside a quoted cell does not end one), each split into cells. */
function csvRecords(csv) {
  const records = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      row.push(cell);
      records.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell || row.length) records.push([...row, cell]);
  return records;
}
import { simState } from "./world.mjs";

// Meta's (simulated) review takes 4 s: longer than the sync the library runs on opening, so only
// the page's own follow-up after the submit can bring the decision.
const REVIEW_MS = 4000;
const NAME = "delivery_update";
const RECIPIENT = "4915123456789";
// A sign-off records who signed: the name set in Settings, which the tester sets first.
const SIGNER = "Quinn Tester";
const MESSAGES = {
  en_US: "Hi Ana, your order A-1001 is on its way.",
  de: "Hallo Ana, deine Bestellung A-1001 ist unterwegs.",
};
const NOTES = { en_US: "Link opens the tracking page", de: "Umlaute ok" };
const CHANGE_REASON = "Button label cut off on small phones";

let j;
let sim;
let picture;

before(async () => {
  sim = await startSim({ reviewDelayMs: REVIEW_MS });
  j = await startJourney("qa");
  // The picture of the parcel, somewhere on the tester's disk (a PNG's signature, then bytes).
  const dir = mkdtempSync(path.join(os.tmpdir(), "wabadesk-e2e-qa-"));
  picture = path.join(dir, "parcel.png");
  const bytes = Buffer.alloc(300_000, 5);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  writeFileSync(picture, bytes);
});

/** Picks the header's sample file and waits until its handle is filled in. */
async function pickHeaderSample(driver) {
  await (await waitFor(driver, SEL.tplHeaderFile, 10000, "the image header asks for a sample file")).sendKeys(picture);
  await waitFor(driver, SEL.tplHeaderProgress, 10000, "the upload shows its progress").catch(() => {});
  await waitFor(driver, SEL.tplHeaderUploaded, 20000, "the sample is uploaded");
  assert.match(await (await driver.findElement(SEL.tplHeaderHandle)).getAttribute("value"), /^4::/, "the handle filled in by itself");
}
after(async () => {
  j?.writeTimings();
  await j?.quit();
  sim?.stop();
});

/** Submits the open builder and waits for Meta's decision to show, with no click in between. */
async function submitAndSeeApproved(driver, language) {
  const submittedAt = Date.now();
  await press(driver, SEL.tplSubmit);
  const notice = await waitFor(driver, SEL.templatesNotice, 10000, "a notice after the submit");
  await driver.wait(async () => /pending|approved/.test((await notice.getAttribute("data-review")) ?? ""), 5000);
  await waitFor(driver, SEL.variantStatus(NAME, language, "approved"), REVIEW_MS + 15000, `${language} shows approved`);
  const shownMs = Date.now() - submittedAt;
  const n = await driver.findElement(SEL.templatesNotice);
  assert.equal(await n.getAttribute("data-review"), "approved");
  assert.match(await n.getText(), new RegExp(`${NAME} \\(${language}\\) approved`));
  assert.doesNotMatch(await n.getText(), /Submitted|pending/, "the pending notice is gone");
  return shownMs;
}

test("journey 3: QA — build, approved without Sync, second language, QA run, messages as sent, locked sign-off, audited change, reports", async () => {
  const { driver } = j;
  const number = sim.numbers[0];
  const timesToApproved = [];

  await j.step("empty-numbers-page", async () => {
    await go(driver, "numbers");
    assert.equal((await driver.findElements(SEL.numbersTable)).length, 0, "an empty profile has no numbers");
  });

  await j.step("settings-your-name", async () => {
    await go(driver, "settings");
    await fill(driver, SEL.settingsName, SIGNER);
    await press(driver, SEL.settingsSave);
    await waitFor(driver, SEL.settingsSaved, 10000, "the preferences are saved");
  });

  await j.step("add-number-by-hand", async () => {
    await addNumberByHand(driver, { phone: number.phone, label: "QA Shop", baseUrl: sim.url });
    await keyStateIs(driver, "none");
  });

  await j.step("paste-key-verified", async () => {
    await pasteKey(driver, number.key);
    await keyStateIs(driver, "verified");
    assert.equal(await driver.findElement(SEL.numberRowKeyState(number.phone)).getAttribute("data-key-state"), "verified");
  });

  await j.step("build-template", async () => {
    await go(driver, "templates");
    await press(driver, SEL.templatesNew);
    await fill(driver, SEL.tplName, NAME);
    await choose(driver, SEL.tplHeaderFormatOption("IMAGE"));
    await pickHeaderSample(driver);
    await fill(driver, SEL.tplBody, "Hi {{1}}, your order {{2}} is on its way.");
    await fill(driver, SEL.tplSample(1), "Ana");
    await fill(driver, SEL.tplSample(2), "A-1001");
    await choose(driver, SEL.tplAddKind("URL"));
    await press(driver, SEL.tplAddButton);
    await fill(driver, SEL.tplButtonText(0), "Track order");
    await fill(driver, SEL.tplButtonUrl(0), "https://shop.example.com/t/{{1}}");
    await fill(driver, SEL.tplButtonSample(0), "A-1001");
    await driver.wait(async () => (await text(driver, SEL.tplPreview)).includes("Hi Ana, your order A-1001 is on its way."), 5000);
    assert.ok((await text(driver, SEL.tplPreview)).includes("Track order"));
    const submit = await driver.findElement(SEL.tplSubmit);
    await driver.wait(async () => (await submit.getText()) === "Submit for review", 10000, "the draft has no problems left");
  });

  await j.step("submitted-then-approved-without-sync", async () => {
    timesToApproved.push(await submitAndSeeApproved(driver, "en_US"));
  });

  await j.step("add-second-language", async () => {
    await press(driver, SEL.variant(NAME, "en_US"));
    await press(driver, SEL.addLanguage);
    await waitFor(driver, SEL.tplBuilder);
    await choose(driver, SEL.tplLanguageOption("de"));
    // The new language starts from the source's header; a sample the source had is kept.
    const handle = await (await waitFor(driver, SEL.tplHeaderHandle)).getAttribute("value");
    if (!handle.startsWith("4::")) await pickHeaderSample(driver);
    await fill(driver, SEL.tplBody, "Hallo {{1}}, deine Bestellung {{2}} ist unterwegs.");
    await fill(driver, SEL.tplSample(1), "Ana");
    await fill(driver, SEL.tplSample(2), "A-1001");
    await fill(driver, SEL.tplButtonText(0), "Bestellung verfolgen");
    await driver.wait(async () => (await text(driver, SEL.tplPreview)).includes("Hallo Ana, deine Bestellung A-1001 ist unterwegs."), 5000);
    const submit = await driver.findElement(SEL.tplSubmit);
    await driver.wait(async () => (await submit.getText()) === "Submit for review", 10000, "the German draft has no problems");
  });

  await j.step("second-language-approved-without-sync", async () => {
    timesToApproved.push(await submitAndSeeApproved(driver, "de"));
    // Both languages are approved in the library.
    await waitFor(driver, SEL.variantStatus(NAME, "en_US", "approved"));
  });

  await j.step("test-send-with-a-picture", async () => {
    // The picture for the message itself goes to the number's media library (a media id).
    await press(driver, SEL.variant(NAME, "en_US"));
    await press(driver, SEL.testSend);
    await (await waitFor(driver, SEL.sendMediaFile, 10000, "the media id field offers an upload")).sendKeys(picture);
    await driver.wait(async () => /\S/.test(await (await driver.findElement(SEL.sendMediaId)).getAttribute("value")), 20000, "the media id filled in");
    await fill(driver, SEL.sendTo, RECIPIENT);
    await press(driver, SEL.sendSubmit);
    const wamid = await (await waitFor(driver, SEL.sendWamid, 15000, "the test-send went out")).getText();
    assert.ok(wamid.startsWith("wamid."), wamid);
    await press(driver, SEL.sendBack);
  });

  let sentBefore;
  await j.step("qa-run", async () => {
    sentBefore = (await simState(sim.url)).numbers[0].sent;
    await press(driver, SEL.variant(NAME, "de"));
    const qa = await driver.findElement(SEL.qaOpen);
    await driver.wait(async () => (await qa.getText()).includes("2 approved"), 5000);
    await press(driver, SEL.qaOpen);
    await waitFor(driver, SEL.qaPanel);
    await fill(driver, SEL.qaRecipient, RECIPIENT);
    await press(driver, SEL.qaStart);
    await waitFor(driver, SEL.qaRow("en_US"), 20000, "the en_US result");
    await waitFor(driver, SEL.qaRow("de"), 20000, "the de result");
    assert.equal((await driver.findElements(SEL.qaRows)).length, 2);
    // The outside world saw both messages.
    const sent = (await simState(sim.url)).numbers[0].sent;
    assert.equal(sent - sentBefore, 2, "two messages reached 360dialog (the simulator)");
  });

  await j.step("each-message-as-sent", async () => {
    // No phone in a demo: what was sent must be visible here, per language.
    for (const [lang, body] of Object.entries(MESSAGES)) {
      const sent = await text(driver, SEL.qaSent(lang));
      assert.ok(sent.includes(body), `${lang} shows the message as sent: ${sent}`);
      const params = await text(driver, SEL.qaParams(lang));
      for (const v of ["body.1", "Ana", "body.2", "A-1001"]) assert.ok(params.includes(v), `${lang} parameters: ${params}`);
    }
    assert.ok((await text(driver, SEL.qaFrom)).includes("QA Shop") && (await text(driver, SEL.qaFrom)).includes(number.phone));
    assert.match(await text(driver, SEL.qaTo), new RegExp(`\\+?${RECIPIENT}`));
  });

  await j.step("sign-off-locked", async () => {
    for (const lang of ["en_US", "de"]) {
      await fill(driver, SEL.qaNote(lang), NOTES[lang]);
      await press(driver, SEL.qaPass(lang));
      await waitFor(driver, SEL.qaVerdict(lang, "pass"));
      // Signed: locked, in the tester's name; no Pass/Fail until the verdict is changed on purpose.
      await waitFor(driver, SEL.qaLocked(lang));
      assert.equal(await driver.findElement(SEL.qaSigner(lang)).getAttribute("data-signer"), SIGNER);
      assert.equal((await driver.findElements(SEL.qaPass(lang))).length, 0, `${lang} is locked`);
    }
  });

  await j.step("verdict-change-reason", async () => {
    await press(driver, SEL.qaChange("en_US"));
    const reason = await fill(driver, SEL.qaReason("en_US"), CHANGE_REASON);
    assert.equal(await reason.getAttribute("value"), CHANGE_REASON);
    await reason.sendKeys(Key.TAB);
  });

  await j.step("verdict-changed-as-new-entry", async () => {
    await press(driver, SEL.qaFail("en_US"));
    await waitFor(driver, SEL.qaVerdict("en_US", "fail"));
    await waitFor(driver, SEL.qaLocked("en_US"));
    assert.match(await text(driver, SEL.qaEarlier("en_US")), new RegExp(`pass by ${SIGNER}`), "the first sign-off is kept");
  });

  await j.step("export-report", async () => {
    await press(driver, SEL.qaExport("markdown"));
    const md = await driver.wait(until.elementLocated(SEL.qaSaved), 10000);
    const mdPath = await md.getText();
    assert.ok(mdPath.startsWith(j.downloads), `${mdPath} is in the Downloads folder`);
    const report = readFileSync(mdPath, "utf8");
    assert.match(report, new RegExp(`^# QA report: ${NAME}`));
    assert.match(report, new RegExp(`recipient \\+?${RECIPIENT}`));
    assert.ok(report.includes(`from QA Shop (${number.phone})`), `the sending number in\n${report}`);
    assert.match(report, /1 of 2 variant\(s\) passed/);
    for (const [lang, verdict, note] of [["en_US", "fail", CHANGE_REASON], ["de", "pass", NOTES.de]]) {
      const line = report.split("\n").find((l) => l.startsWith(`| ${lang} |`));
      assert.ok(line, `a row for ${lang} in\n${report}`);
      assert.match(line, /\| wamid\.[^|]+ \|/, `${lang} has its wamid`);
      assert.match(line, new RegExp(`\\| ${verdict} \\|`));
      assert.ok(line.includes(note), `${lang} carries its note`);
      assert.ok(line.includes(SIGNER), `${lang} names who signed it: ${line}`);
      const section = report.split(`\n## ${lang}\n`)[1]?.split("\n## ")[0] ?? "";
      for (const t of [MESSAGES[lang]]) assert.ok(section.includes(`> ${t}`), `${lang}'s rendered text in\n${section}`);
      assert.ok(section.includes("- `body.1`: Ana"), `${lang}'s parameters in\n${section}`);
      assert.match(section, /- Statuses: /);
    }
    assert.match(report, new RegExp(`Earlier sign-offs: pass by ${SIGNER} at `), "the changed verdict keeps the first");

    await press(driver, SEL.qaExport("csv"));
    await driver.wait(async () => (await (await driver.findElement(SEL.qaSaved)).getText()).endsWith(".csv"), 10000);
    const csvPath = await (await driver.findElement(SEL.qaSaved)).getText();
    assert.ok(csvPath.startsWith(j.downloads));
    const rows = csvRecords(readFileSync(csvPath, "utf8"));
    const head = rows[0];
    assert.deepEqual(head.slice(0, 9), ["template", "language", "recipient", "wamid", "status", "error", "verdict", "note", "signed_at"]);
    assert.equal(rows.length, 3, "a header and one row per language");
    const at = (row, col) => row[head.indexOf(col)];
    for (const [lang, verdict] of [["en_US", "fail"], ["de", "pass"]]) {
      const row = rows.find((r) => r[0] === NAME && r[1] === lang);
      assert.ok(row, `a CSV row for ${lang}`);
      assert.equal(at(row, "verdict"), verdict);
      assert.equal(at(row, "signer"), SIGNER, `the CSV names who signed ${lang}`);
      assert.equal(at(row, "number_label"), "QA Shop");
      assert.equal(at(row, "number_phone"), number.phone);
      for (const t of [MESSAGES[lang]]) assert.ok(at(row, "rendered").includes(t), `${lang} rendered: ${at(row, "rendered")}`);
      assert.match(at(row, "parameters"), /body\.1 = Ana/);
      assert.match(at(row, "wamid"), /^wamid\./);
    }

    await press(driver, SEL.qaExport("html"));
    await driver.wait(async () => (await (await driver.findElement(SEL.qaSaved)).getText()).endsWith(".html"), 10000);
    const htmlPath = await (await driver.findElement(SEL.qaSaved)).getText();
    assert.ok(htmlPath.startsWith(j.downloads));
    const page = readFileSync(htmlPath, "utf8");
    assert.match(page, /^<!doctype html>/);
    for (const lang of ["en_US", "de"]) assert.ok(page.includes(`<section data-language="${lang}">`), `${lang} in the printable page`);
    assert.ok(page.includes(MESSAGES.de) && page.includes(SIGNER) && page.includes(CHANGE_REASON));

    // The file can be shown in the file manager.
    const open = await waitFor(driver, SEL.qaOpenFolder, 5000, "Open folder after an export");
    assert.ok((await open.isDisplayed()) && (await open.isEnabled()));
  });

  await j.step("audit-has-the-change", async () => {
    await go(driver, "audit");
    await waitFor(driver, SEL.auditRow("qa_sign_off_changed"), 10000, "the verdict change in the audit log");
    const changed = await text(driver, SEL.auditRow("qa_sign_off_changed"));
    assert.ok(changed.includes("pass → fail") && changed.includes(SIGNER), changed);
    assert.equal((await driver.findElements(SEL.auditRow("qa_signed_off"))).length, 2, "one sign-off per language");
  });

  // Decision (4 s after the submit) to screen: what the page's follow-up adds.
  for (const ms of timesToApproved) assert.ok(ms < REVIEW_MS + 10000, `approved shown ${ms} ms after the submit`);
  console.log(`journey qa: approved shown ${timesToApproved.join(" ms, ")} ms after each submit (review takes ${REVIEW_MS} ms)`);
});
