// wabadesk:// links, as the desktop entry passes them (`Exec=wabadesk-app %u` and its actions):
// the app started with a link opens the link's view — a number's drawer, a template of a
// number, the template builder (the "New template" action), the inbox ("Open Inbox"), a message
// in History by its wamid.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { addSimNumber, By, cliWith, launch, screenshot, startSim, until, waitReady } from "./harness.mjs";

let sim;
let app;

before(async () => {
  sim = await startSim();
});
after(async () => {
  await app?.quit();
  sim?.stop();
});

async function open(link, setup = (env) => addSimNumber(env, sim)) {
  await app?.quit();
  app = await launch(setup, { args: [link] });
  await waitReady(app.driver);
  return app.driver;
}

test("wabadesk://number/<phone> opens the number's drawer", async () => {
  const driver = await open(`wabadesk://number/${encodeURIComponent(sim.numbers[0].phone)}`);
  await app.step("number-link", async () => {
    const drawer = await driver.wait(until.elementLocated(By.id("number-drawer")), 10000);
    assert.match(await drawer.getText(), /Shop/);
    assert.match(await driver.getCurrentUrl(), /#\/numbers\?number=/);
    await screenshot(driver, "deeplink-number");
  });
});

test("wabadesk://templates/new (the New template action) opens the builder", async () => {
  const driver = await open("wabadesk://templates/new");
  await app.step("new-template-link", async () => {
    await driver.wait(until.elementLocated(By.id("tpl-builder")), 10000);
    await screenshot(driver, "deeplink-new-template");
  });
});

test("wabadesk://inbox (the Open Inbox action) opens the inbox", async () => {
  const driver = await open("wabadesk://inbox", null);
  await app.step("inbox-link", async () => {
    await driver.wait(until.elementLocated(By.id("page-inbox")), 10000);
    const current = await driver.findElement(By.css("a[data-section='inbox']"));
    assert.equal(await current.getAttribute("aria-current"), "page");
  });
});

test("wabadesk://template/<number>/<name>/<language> selects the template", async () => {
  const driver = await open("wabadesk://template/Shop/wabadesk_link_check/en_US", (env) => {
    addSimNumber(env, sim);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "wabadesk-tpl-")), "template.json");
    writeFileSync(file, JSON.stringify({
      name: "wabadesk_link_check", category: "UTILITY", language: "en_US",
      components: [{ type: "BODY", text: "Your order ships today." }],
    }));
    const created = cliWith(env, ["template", "create", "Shop", file]);
    if (created.name !== "wabadesk_link_check") throw new Error(`template create: ${JSON.stringify(created)}`);
  });
  await app.step("template-link", async () => {
    const detail = await driver.wait(until.elementLocated(By.id("templates-detail")), 10000);
    await driver.wait(async () => /wabadesk_link_check/.test(await detail.getText()), 10000, "the linked template's detail");
  });
});

test("wabadesk://message/<wamid> opens the message in History", async () => {
  let wamid;
  let linked;
  await app?.quit();
  app = await launch(
    async (env) => {
      addSimNumber(env, sim);
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), "wabadesk-tpl-")), "template.json");
      writeFileSync(file, JSON.stringify({
        name: "wabadesk_link_message", category: "UTILITY", language: "en_US",
        components: [{ type: "BODY", text: "Your parcel is on its way." }],
      }));
      cliWith(env, ["template", "create", "Shop", file]);
      for (let i = 0; i < 50 && !wamid; i++) {
        await new Promise((r) => setTimeout(r, 200));
        cliWith(env, ["template", "list", "Shop", "--sync"]);
        const sent = cliWith(env, ["template", "send", "Shop", "--to", "4915123456789", "--name", "wabadesk_link_message"]);
        wamid = sent.wamid;
      }
      if (!wamid) throw new Error("the template never became sendable");
      linked = `wabadesk://message/${encodeURIComponent(wamid)}`;
    },
    { argsFrom: () => [linked] },
  );
  await waitReady(app.driver);
  await app.step("message-link", async () => {
    await app.driver.wait(until.elementLocated(By.id("message-drawer")), 10000);
    assert.match(await app.driver.getCurrentUrl(), /#\/history\?wamid=/);
    assert.match(await app.driver.findElement(By.id("message-drawer")).getText(), new RegExp(wamid.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  });
});
