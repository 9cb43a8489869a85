// Browse-memory benchmark: the memory of WABA Desk (the app and its WebKit processes, PSS summed)
// idle, and after browsing History with 100,000 and with 1,000,000 messages. Run through
// scripts/bench/memory.sh, which builds in release and provides the display and keyring;
// `node scripts/bench/memory.mjs` inside that.
//
// Each figure is one app started through tauri-driver (the same way for all three):
//   - idle: a fresh profile, 3 s after the first page painted;
//   - browse: the profile seeded with the `wabadesk history seed` command (100,000 messages, then
//     900,000 more for 1,000,000), History opened and scrolled down page after page (at most
//     BENCH_PAGES pages or BENCH_SECONDS seconds), then End (the oldest message), scrolled up the
//     same way, then Home (the newest); 3 s later the memory is read (the figure), and once more
//     10 s after (shown, to tell garbage not yet given back from memory kept).
// The last lines are `BENCH memory.<figure> <value> MB` (see scripts/bench/run.sh).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startDriver } from "../../e2e/harness.mjs";
import { memory } from "./proc.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const target = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(root, "target");
const APP = process.env.WABADESK_APP ?? path.join(target, "release/wabadesk-app");
const CLI = process.env.WABADESK_CLI ?? path.join(target, "release/wabadesk");
const COUNTS = (process.env.BENCH_COUNTS ?? "100000,1000000").split(",").map(Number);
const PAGES = Number(process.env.BENCH_PAGES ?? 200);
// BENCH_APPS (comma-separated app binaries) measures several builds side by side on the same
// seeded profile, in that order for each figure; the BENCH lines are the first one's.
const APPS = process.env.BENCH_APPS ? process.env.BENCH_APPS.split(",").map((a) => path.resolve(a)) : [APP];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (kb) => kb / 1024;


/** The app's process (started by the driver), newest of that binary. */
const appPid = (app) => Number(execFileSync("pgrep", ["-n", "-f", app], { encoding: "utf8" }).trim());

/** Scrolls History's table in the page: down (older pages), End, up (newer pages), Home. */
const BROWSE = `
const [pages, seconds, done] = arguments;
const body = () => document.querySelector("#history-table .vtable__body");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const key = (k) => body().dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
const firstRow = () => body()?.querySelector("[role='row']")?.getAttribute("data-wamid");
async function until(test, ms) {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (test()) return true;
    await sleep(10);
  }
  return false;
}
/** One page at a time towards one end: moves to that end of the rows held and waits for the
 * next page to come in (the rows grow, or the view is anchored away from the end). */
async function scroll(way) {
  const t0 = Date.now();
  let n = 0;
  while (n < pages && Date.now() - t0 < seconds * 1000) {
    const b = body();
    const height = b.scrollHeight;
    b.scrollTop = way === "down" ? height : 0;
    b.dispatchEvent(new Event("scroll"));
    const moved = await until(() => {
      const x = body();
      return way === "down"
        ? x.scrollHeight !== height || x.scrollTop + x.clientHeight < x.scrollHeight - 40 * 40
        : x.scrollHeight !== height || x.scrollTop > 40 * 40;
    }, 3000);
    if (!moved) break; // that end of the list
    n++;
    await sleep(0);
  }
  return { pages: n, ms: Date.now() - t0 };
}
(async () => {
  location.hash = "#/history";
  if (!(await until(() => body() && firstRow(), 30000))) return done({ error: "History did not show its rows" });
  const down = await scroll("down");
  const top = firstRow();
  key("End");
  await until(() => firstRow() !== top && document.getElementById("history-oldest")?.disabled, 30000);
  const up = await scroll("up");
  key("Home");
  await until(() => document.getElementById("history-newest")?.disabled && body().scrollTop === 0, 30000);
  done({ down, up, held: Number(document.querySelector("#history-table").getAttribute("aria-rowcount")) });
})();
`;

/** Starts the app on `dataDir` through the driver, runs `work(driver)`, measures 3 s later (the
 * figure) and again 10 s after the work (`later`: whether what grew was garbage given back). */
async function session(app, dataDir, work) {
  const env = { ...process.env, WABADESK_DATA_DIR: dataDir, WABADESK_KEYRING_SERVICE: "com.wabadesk.bench", WABADESK_LOG: "warn" };
  const { driver, driverProcess } = await startDriver(env, app);
  try {
    await driver.wait(async () => (await driver.executeScript("return document.documentElement.dataset.ready")) === "true", 60000);
    const info = await work(driver);
    await sleep(3000);
    const m = memory(appPid(app));
    await sleep(7000);
    return { info, ...m, later: memory(appPid(app)) };
  } finally {
    await Promise.race([driver.quit(), sleep(10000)]);
    // The next session needs the driver's ports: wait for it to go, forcing it after 5 s.
    const gone = new Promise((r) => driverProcess.once("exit", r));
    driverProcess.kill();
    if (driverProcess.exitCode === null && driverProcess.signalCode === null) {
      await Promise.race([gone, sleep(5000)]);
      if (driverProcess.exitCode === null && driverProcess.signalCode === null) {
        driverProcess.kill("SIGKILL");
        await gone;
      }
    }
  }
}

for (const bin of [...APPS, CLI]) {
  if (!existsSync(bin)) {
    console.error(`${bin} is missing: run scripts/bench/memory.sh, which builds it`);
    process.exit(1);
  }
}
console.log(`${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; ${PAGES} pages or ${SECONDS} s each way\n`);
const figures = APPS.map(() => []);
const show = (label, m) => {
  console.log(`${label}: PSS ${mb(m.pss).toFixed(1)} MB, RSS ${mb(m.rss).toFixed(1)} MB  [${m.parts.join(", ")}]`);
  const l = m.later;
  console.log(`  10 s later: PSS ${mb(l.pss).toFixed(1)} MB, RSS ${mb(l.rss).toFixed(1)} MB  [${l.parts.join(", ")}]`);
};
const named = (a) => (APPS.length > 1 ? ` [${APPS[a]}]` : "");

for (let a = 0; a < APPS.length; a++) {
  const idleDir = mkdtempSync(path.join(os.tmpdir(), "wabadesk-bench-idle-"));
  try {
    const idle = await session(APPS[a], idleDir, async () => null);
    show(`idle (fresh profile)${named(a)}`, idle);
    figures[a].push(["memory.idle_pss_mb", mb(idle.pss), mb(idle.later.pss)]);
  } finally {
    rmSync(idleDir, { recursive: true, force: true });
  }
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), "wabadesk-bench-browse-"));
try {
  let seeded = 0;
  for (const count of COUNTS) {
    const env = { ...process.env, WABADESK_DATA_DIR: dataDir, WABADESK_KEYRING_SERVICE: "com.wabadesk.bench", WABADESK_LOG: "warn" };
    const t0 = performance.now();
    execFileSync(CLI, ["history", "seed", "--count", String(count - seeded)], { env, stdio: "ignore" });
    console.log(`seeded ${(count - seeded).toLocaleString("en")} more messages in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    seeded = count;
    for (let a = 0; a < APPS.length; a++) {
      const r = await session(APPS[a], dataDir, async (driver) => {
        await driver.manage().setTimeouts({ script: (2 * SECONDS + 120) * 1000 });
        return driver.executeAsyncScript(BROWSE, PAGES, SECONDS);
      });
      if (r.info?.error) throw new Error(r.info.error);
      const { down, up, held } = r.info;
      const per = (s) => (s.pages ? (s.ms / s.pages).toFixed(0) : "–");
      console.log(
        `${count.toLocaleString("en")} messages${named(a)}: down ${down.pages} pages (${per(down)} ms/page), End, up ${up.pages} pages (${per(up)} ms/page), Home; ${held} rows held`,
      );
      show(`browsed ${count.toLocaleString("en")}${named(a)}`, r);
      const key = count === 100000 ? "browse100k" : count === 1000000 ? "browse1m" : `browse${count}`;
      figures[a].push([`memory.${key}_pss_mb`, mb(r.pss), mb(r.later.pss)]);
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

console.log("");
for (let a = 0; a < APPS.length; a++) {
  const [, idle, idleLater] = figures[a][0];
  const ratios = figures[a]
    .slice(1)
    .map(([k, v, later]) => `${k.replace("memory.", "")} ${(v / idle).toFixed(2)}× (10 s later ${(later / idleLater).toFixed(2)}×)`);
  console.log(`ratios to idle${named(a)}: ${ratios.join(", ")} (budget 1.3×)`);
}
for (const [k, v] of figures[0]) console.log(`BENCH ${k} ${v.toFixed(0)} MB`);
