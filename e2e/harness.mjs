// Shared set-up for the end-to-end tests: starts tauri-driver (which starts WebKitWebDriver),
// opens the real WABA Desk binary through WebDriver, and saves a screenshot when a step fails.
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Builder, By, until } from "selenium-webdriver";

export const ARTIFACTS = path.resolve(import.meta.dirname, "artifacts");
const APP = path.resolve(process.env.WABADESK_APP ?? "target/debug/wabadesk-app");
const CLI = path.resolve(process.env.WABADESK_CLI ?? "target/debug/wabadesk");

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

/** Starts the app with a fresh data dir and its own keyring namespace. */
export async function launch() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "wabadesk-e2e-"));
  const env = {
    ...process.env,
    WABADESK_DATA_DIR: dataDir,
    WABADESK_KEYRING_SERVICE: `com.wabadesk.desk.e2e-${process.pid}`,
  };
  const driverProcess = spawn("tauri-driver", ["--port", "4444", "--native-port", "4445"], {
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitForPort(4444);
  await waitForPort(4445);
  const driver = await new Builder()
    .usingServer("http://127.0.0.1:4444/")
    .withCapabilities({ browserName: "wry", "tauri:options": { application: APP } })
    .build();
  const session = {
    driver,
    dataDir,
    env,
    async quit() {
      try {
        await driver.quit();
      } finally {
        driverProcess.kill();
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
      try {
        return JSON.parse(execFileSync(CLI, [...args, "--json"], { env, encoding: "utf8" }));
      } catch (e) {
        if (e.stdout) return JSON.parse(e.stdout);
        throw e;
      }
    },
  };
  return session;
}

export async function screenshot(driver, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  writeFileSync(file, await driver.takeScreenshot(), "base64");
  return file;
}

/** Waits for the UI's first complete render (set by App.tsx). */
export async function waitReady(driver, timeoutMs = 20000) {
  await driver.wait(until.elementLocated(By.css('html[data-ready="true"]')), timeoutMs);
}

export { By, until };
