// wabadesk:// links, as the desktop entry passes them (`Exec=wabadesk-app %u` and its actions):
// the app started with a link opens the link's view — a number's drawer, a template of a
// number, the template builder (the "New template" action), the inbox ("Open Inbox"), a message
// in History by its wamid. A link opened while the app runs (the app started again with it, as
// the desktop does) moves the running window; the second start exits without a window of its own.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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

/** Starts the app binary again with `args`, as the desktop entry does (`Exec=wabadesk-app %u`),
 * on the running app's profile; resolves with its exit code and output once it ends. */
function startAgain(args) {
  const bin = path.resolve(process.env.WABADESK_APP ?? "target/debug/wabadesk-app");
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: { ...app.env, WABADESK_LOG: "info" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the second start did not end: ${output}`));
    }, 30000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test("a link opened while the app runs moves the running window; the second start exits", async () => {
  const driver = await open("wabadesk://numbers");
  await app.step("running", async () => {
    await driver.wait(until.elementLocated(By.id("page-numbers")), 10000);
  });
  const windows = await driver.getAllWindowHandles();
  assert.equal(windows.length, 1);

  for (const [link, view, route] of [
    ["wabadesk://inbox", "page-inbox", /#\/inbox/],
    ["wabadesk://templates/new", "tpl-builder", /#\/templates/],
    [`wabadesk://number/${encodeURIComponent(sim.numbers[0].phone)}`, "number-drawer", /#\/numbers\?number=/],
  ]) {
    const second = await startAgain([link]);
    await app.step(`second-start-${view}`, async () => {
      assert.equal(second.code, 0, second.output);
      // It handed the link over before opening the profile: no database, no receiver of its own.
      assert.doesNotMatch(second.output, /WABA Desk starting/, second.output);
      await driver.wait(until.elementLocated(By.id(view)), 10000, `the running window shows ${view}`);
      await driver.wait(async () => route.test(await driver.getCurrentUrl()), 10000, `the route for ${link}`);
      assert.deepEqual(await driver.getAllWindowHandles(), windows, "still the one window");
    });
  }
  await screenshot(driver, "deeplink-second-start");

  // Started again without a link: the running window stays where it is, nothing else opens.
  const plain = await startAgain([]);
  assert.equal(plain.code, 0, plain.output);
  assert.doesNotMatch(plain.output, /WABA Desk starting/, plain.output);
  assert.deepEqual(await driver.getAllWindowHandles(), windows);
  assert.match(await driver.getCurrentUrl(), /#\/numbers\?number=/);
  // The running window heard of each start.
  const log = readFileSync(app.logFile, "utf8");
  assert.equal((log.match(/a second start handed over its arguments/g) ?? []).length, 4, log.slice(-2000));
});
