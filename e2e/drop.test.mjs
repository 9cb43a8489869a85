// Files dropped onto the real window: a template JSON opens in the builder with its content, a
// captured webhook payload is imported into the inbox. The drop is dispatched in the page with
// the file inside its DataTransfer, as the webview delivers a file dragged from the desktop.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { addSimNumber, By, launch, startSim, until, waitReady } from "./harness.mjs";

let sim;
let app;

before(async () => {
  sim = await startSim();
  app = await launch((env) => addSimNumber(env, sim));
  await waitReady(app.driver);
});
after(async () => {
  await app?.quit();
  sim?.stop();
});

async function dropFile(driver, name, content) {
  await driver.executeScript(
    (n, c) => {
      const dt = new DataTransfer();
      dt.items.add(new File([c], n, { type: "application/json" }));
      document.body.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
      document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    name,
    content,
  );
}

test("a template JSON dropped on the window opens in the builder", async () => {
  await app.step("drop-template", async () => {
    const { driver } = app;
    await dropFile(driver, "dropped.json", JSON.stringify({
      name: "dropped_template", category: "UTILITY", language: "en_US",
      components: [{ type: "BODY", text: "Dropped {{1}}", example: { body_text: [["in"]] } }],
    }));
    await driver.wait(until.elementLocated(By.id("tpl-builder")), 10000);
    const notice = await driver.wait(until.elementLocated(By.id("drop-notice")), 5000);
    assert.match(await notice.getText(), /dropped\.json opened in the template builder/);
    const builder = await driver.findElement(By.id("tpl-builder"));
    await driver.wait(async () => (await builder.getAttribute("innerHTML")).includes("dropped_template"), 5000, "the dropped template's name in the builder");
  });
});

test("a captured webhook payload dropped on the window is imported into the inbox", async () => {
  await app.step("drop-capture", async () => {
    const { driver } = app;
    const event = {
      object: "whatsapp_business_account",
      entry: [{ id: "1", changes: [{ field: "messages", value: {
        messaging_product: "whatsapp",
        metadata: { display_phone_number: sim.numbers[0].phone.slice(1), phone_number_id: sim.numbers[0].phoneNumberId },
        statuses: [{ id: "wamid.DROPPED1", status: "delivered", timestamp: "1700000000", recipient_id: "4915123456789" }],
      } }] }],
    };
    await dropFile(driver, "capture.json", JSON.stringify(event));
    await driver.wait(until.elementLocated(By.id("page-inbox")), 10000);
    const notice = await driver.findElement(By.id("drop-notice"));
    await driver.wait(async () => /capture\.json: 1 events, 1 new/.test(await notice.getText()), 10000, "the import's counts");
  });
});
