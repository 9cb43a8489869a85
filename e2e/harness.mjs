// Shared set-up for the end-to-end tests: starts tauri-driver (which starts WebKitWebDriver),
// opens the real WABA Desk binary through WebDriver, and saves a screenshot when a step fails.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import readline from "node:readline";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Builder, By, Key, until } from "selenium-webdriver";

export const ARTIFACTS = path.resolve(import.meta.dirname, "artifacts");
const APP = path.resolve(process.env.WABADESK_APP ?? "target/debug/wabadesk-app");
const CLI = path.resolve(process.env.WABADESK_CLI ?? "target/debug/wabadesk");
const SIM = path.resolve(process.env.WABADESK_SIM ?? path.join(path.dirname(CLI), "wabadesk-sim"));

function waitForPort(port, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.end();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} did not open`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** Starts tauri-driver (which starts WebKitWebDriver) and a WebDriver session on `app`. */
export async function startDriver(env, app, stdio = "ignore", args = []) {
  const driverProcess = spawn("tauri-driver", ["--port", "4444", "--native-port", "4445"], { env, stdio });
  await waitForPort(4444);
  await waitForPort(4445);
  const driver = await new Builder()
    .usingServer("http://127.0.0.1:4444/")
    .withCapabilities({ browserName: "wry", "tauri:options": { application: app, args } })
    .build();
  return { driver, driverProcess };
}

/** Points the simulator number's webhook at `url` (loopback http is allowed there). */
export async function pointWebhook(sim, url, number = 0) {
  const r = await fetch(`${sim.url}/v1/configs/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "D360-API-KEY": sim.numbers[number].key },
    body: JSON.stringify({ url }),
  });
  if (r.status !== 200) throw new Error(`setting the webhook at the simulator: HTTP ${r.status}`);
}

/** Runs the `wabadesk` CLI with an app's environment (before or beside the app). */
export function cliWith(env, args, input) {
  try {
    const quiet = { ...env, WABADESK_LOG: "warn" };
    return JSON.parse(execFileSync(CLI, [...args, "--json"], { env: quiet, encoding: "utf8", input }));
  } catch (e) {
    if (e.stdout) return JSON.parse(e.stdout);
    throw e;
  }
}

function waitForPortClosed(port, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        if (Date.now() > deadline) resolve();
        else setTimeout(attempt, 100);
      });
      socket.once("error", () => {
        socket.destroy();
        resolve();
      });
    };
    attempt();
  });
}

/**
 * Starts the app with a fresh data dir and its own keyring namespace. `setup(env)` runs first,
 * e.g. to add numbers with the CLI. `opts.keyringService` names the keyring namespace (default:
 * one per test process); `opts.args` are the app's command-line arguments (a wabadesk:// link), or `opts.argsFrom()`
 * gives them once `setup` has run.
 */
export async function launch(setup, opts = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "wabadesk-e2e-"));
  // Exports go to the Downloads folder: point it at a scratch folder, never the user's.
  const configHome = mkdtempSync(path.join(os.tmpdir(), "wabadesk-e2e-config-"));
  const downloads = path.join(configHome, "Downloads");
  mkdirSync(downloads);
  writeFileSync(path.join(configHome, "user-dirs.dirs"), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: configHome,
    WABADESK_DATA_DIR: dataDir,
    WABADESK_KEYRING_SERVICE: opts.keyringService ?? `com.wabadesk.desk.e2e-${process.pid}`,
    WABADESK_LOG: "debug",
  };
  if (setup) await setup(env);
  // The app's own output (it inherits tauri-driver's) is kept for the secret-leak scan.
  mkdirSync(ARTIFACTS, { recursive: true });
  const logFile = path.join(ARTIFACTS, `app-${path.basename(dataDir)}.log`);
  // A file, not a pipe: the app inherits it, and a pipe would keep this process waiting for a
  // straggling app to close it.
  const logFd = openSync(logFile, "a");
  const { driver, driverProcess } = await startDriver(env, APP, ["ignore", logFd, logFd], opts.argsFrom?.() ?? opts.args ?? []);
  closeSync(logFd);
  const session = {
    driver,
    dataDir,
    downloads,
    env,
    logFile,
    async quit() {
      try {
        await Promise.race([driver.quit(), new Promise((r) => setTimeout(r, 10000))]);
      } finally {
        driverProcess.kill();
        // The app is WebKitWebDriver's child: make sure none outlives its test file.
        spawnSync("pkill", ["-f", APP]);
        await waitForPortClosed(4444);
      }
    },
    /** Runs a named step; on failure saves a screenshot as artifacts/<name>.png. */
    async step(name, fn) {
      try {
        return await fn();
      } catch (e) {
        await screenshot(driver, `FAILED-${name}`).catch(() => {});
        throw e;
      }
    },
    /** The `wabadesk` CLI on the same data dir, parsed from --json. */
    cli(...args) {
      return cliWith(env, args);
    },
  };
  return session;
}

/**
 * Starts the simulator binary on a free port; resolves with its URL and seeded numbers.
 * `reviewDelayMs`: until Meta's (simulated) review decides a new template; `statusDelayMs`:
 * between a sent message's status events.
 */
export async function startSim({ reviewDelayMs = 300, statusDelayMs = 50 } = {}) {
  const args = ["--listen", "127.0.0.1:0", "--review-delay-ms", String(reviewDelayMs), "--status-delay-ms", String(statusDelayMs)];
  const child = spawn(SIM, args, {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const numbers = [];
  const lines = readline.createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("simulator did not start")), 10000);
    lines.on("line", (line) => {
      const ready = line.match(/^wabadesk-sim ready on (\S+)/);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
        return;
      }
      const m = line.match(/^number \+(\d+) phone_number_id=(\d+) waba_id=(\d+) key=(\S+)/);
      if (m) numbers.push({ phone: `+${m[1]}`, phoneNumberId: m[2], wabaId: m[3], key: m[4] });
    });
  });
  return {
    url,
    numbers,
    async admin(pathname, body = {}) {
      const r = await fetch(url + pathname, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return r.status === 204 ? null : r.json();
    },
    stop() {
      child.kill();
    },
  };
}

/** Every file under `dir` (recursively) whose bytes contain `needle`. */
export function filesContaining(dir, needle) {
  const hits = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) hits.push(...filesContaining(p, needle));
    else if (readFileSync(p).includes(needle)) hits.push(p);
  }
  return hits;
}

/** Saves what the window shows as artifacts/<name>.png. */
export async function screenshot(driver, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  await captureWindow(driver, file);
  return file;
}

/**
 * Writes what the window shows to `file` (PNG), once its page has painted the frame after the
 * last change. WebKitWebDriver's Take Screenshot never answers when the window draws without
 * accelerated compositing, as the app does on Linux (src-tauri/src/rendering.rs), so the picture
 * is read off the X display the window is on (xwd and netpbm, which `scripts/setup.sh --test`
 * installs).
 */
export async function captureWindow(driver, file) {
  await driver.executeAsyncScript("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));");
  const r = spawnSync("bash", ["-c", 'set -o pipefail; xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng > "$1"', "capture", file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`reading the window off the display ${process.env.DISPLAY ?? "(no DISPLAY)"} failed: ${r.stderr || r.error?.message}`);
}

/** Waits for the UI's first complete render (set by App.tsx). */
export async function waitReady(driver, timeoutMs = 20000) {
  await driver.wait(until.elementLocated(By.css('html[data-ready="true"]')), timeoutMs);
}

/** Adds the simulator's first number as "Shop" with its key, through the CLI (before launch). */
export function addSimNumber(env, sim, label = "Shop") {
  const n = sim.numbers[0];
  const added = cliWith(env, ["numbers", "add", "--phone", n.phone, "--label", label, "--env", "simulator", "--base-url", sim.url]);
  if (added.label !== label) throw new Error(`numbers add: ${JSON.stringify(added)}`);
  const key = cliWith(env, ["key", "set", label], n.key);
  if (key.key_state !== "verified") throw new Error(`key set: ${JSON.stringify(key)}`);
}

/** Starts the app's inbox on a free port from the Inbox page; returns its URL. */
export async function startInbox(driver) {
  await driver.findElement(By.css("a[data-section='inbox']")).click();
  const listen = await driver.findElement(By.id("inbox-listen"));
  await clearInput(listen);
  await listen.sendKeys("127.0.0.1:0");
  await driver.findElement(By.id("inbox-toggle")).click();
  const state = await driver.findElement(By.id("inbox-state"));
  await driver.wait(async () => (await state.getText()).startsWith("listening on http://127.0.0.1:"), 5000);
  return (await state.getText()).replace("listening on ", "");
}

/** Empties a React-controlled input the way a user does (WebDriver's clear() fires no input event). */
export async function clearInput(el) {
  await el.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
}

export { By, until };
