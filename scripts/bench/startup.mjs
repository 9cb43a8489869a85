// Start-up and footprint benchmark: WABA Desk against a minimal Tauri "hello" window built the
// same way (the floor). Run through scripts/bench/startup.sh, which builds both in release and
// provides the display and keyring; `node scripts/bench/startup.mjs [runs]` inside that.
//
// Measures, for each binary over several runs, alternated between the two (median):
//   - time from exec to the first painted page (both UIs log "UI ready" after their first frame);
//   - memory of the app and its WebKit processes, 3 s after ready (idle): RSS and PSS summed;
// then, for WABA Desk only: the same memory with 100,000 messages in its history, after the
// History page has loaded every row (driven through tauri-driver); and the bundle sizes. Its
// last lines are the figures as `BENCH <key> <value> <unit>` (see scripts/bench/run.sh).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startDriver } from "../../e2e/harness.mjs";
import { memory, tree } from "./proc.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const target = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(root, "target");
// BENCH_APP: another build of the app to set beside the floor (e.g. before and after a change).
const APP = process.env.BENCH_APP ? path.resolve(process.env.BENCH_APP) : path.join(target, "release/wabadesk-app");
const FLOOR = path.join(target, "release/wabadesk-floor");
const CLI = path.join(target, "release/wabadesk");
const RUNS = Number(process.argv[2] ?? 15);
const ROWS = Number(process.env.BENCH_ROWS ?? 100000);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mb = (kb) => (kb / 1024).toFixed(1);


/** Starts a binary with a fresh data dir; resolves when it logs "UI ready". */
async function startOnce(bin) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "wabadesk-bench-"));
  const env = { ...process.env, WABADESK_DATA_DIR: dataDir, WABADESK_KEYRING_SERVICE: "com.wabadesk.bench", WABADESK_LOG: "info" };
  const t0 = performance.now();
  const child = spawn(bin, [], { env, stdio: ["ignore", "ignore", "pipe"] });
  const ready = await new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error(`${bin} did not report ready in 30 s`)), 30000);
    child.stderr.on("data", (d) => {
      buf += d;
      if (buf.includes("UI ready")) {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    });
    child.once("exit", (code) => reject(new Error(`${bin} exited (${code}) before ready:\n${buf}`)));
  });
  child.stderr.resume();
  await sleep(3000);
  const mem = memory(child.pid);
  for (const p of tree(child.pid).reverse()) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
  rmSync(dataDir, { recursive: true, force: true });
  return { ready, ...mem };
}

/** The medians of a binary's runs, printed on one line. */
function summary(label, runs) {
  const r = {
    label,
    ready: median(runs.map((x) => x.ready)),
    readyMin: Math.min(...runs.map((x) => x.ready)),
    readyMax: Math.max(...runs.map((x) => x.ready)),
    rss: median(runs.map((x) => x.rss)),
    pss: median(runs.map((x) => x.pss)),
    parts: runs[runs.length - 1].parts,
  };
  console.log(
    `${label.padEnd(10)} ready ${r.ready.toFixed(0)} ms (${r.readyMin.toFixed(0)}–${r.readyMax.toFixed(0)}), idle PSS ${mb(r.pss)} MB, RSS ${mb(r.rss)} MB  [${r.parts.join(", ")}]`,
  );
  return r;
}

/**
 * The floor and WABA Desk side by side: one warm-up run of each (not counted), then RUNS runs
 * of each, alternated, so that a machine getting busier or quieter weighs on both alike.
 */
async function measureBoth() {
  await startOnce(FLOOR);
  await startOnce(APP);
  const floorRuns = [];
  const appRuns = [];
  for (let i = 0; i < RUNS; i++) {
    floorRuns.push(await startOnce(FLOOR));
    appRuns.push(await startOnce(APP));
    console.log(`run ${i + 1}/${RUNS}: floor ${floorRuns[i].ready.toFixed(0)} ms, WABA Desk ${appRuns[i].ready.toFixed(0)} ms`);
  }
  return { floor: summary("floor", floorRuns), app: summary("WABA Desk", appRuns) };
}

/** WABA Desk with ROWS messages: open History, load every row, measure. */
async function withHistory() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "wabadesk-bench-history-"));
  const env = { ...process.env, WABADESK_DATA_DIR: dataDir, WABADESK_KEYRING_SERVICE: "com.wabadesk.bench", WABADESK_LOG: "warn" };
  execFileSync(CLI, ["history", "seed", "--count", String(ROWS)], { env, stdio: "ignore" });
  const { driver, driverProcess } = await startDriver(env, APP);
  try {
    await driver.wait(async () => (await driver.executeScript("return document.documentElement.dataset.ready")) === "true", 30000);
    await driver.manage().setTimeouts({ script: 330000 });
    const t0 = performance.now();
    const loaded = await driver.executeAsyncScript(
      `const [want, done] = arguments;
       location.hash = "#/history";
       const deadline = Date.now() + 300000;
       const count = () => Number(document.querySelector("#history-table")?.getAttribute("aria-rowcount") ?? 0);
       (async () => {
         while (Date.now() < deadline && count() < want) {
           const body = document.querySelector("#history-table .vtable__body");
           if (body) { body.scrollTop = body.scrollHeight; body.dispatchEvent(new Event("scroll")); }
           const before = count();
           for (let i = 0; i < 100 && count() === before; i++) await new Promise((r) => setTimeout(r, 20));
         }
         done(count());
       })();`,
      ROWS,
    );
    const seconds = (performance.now() - t0) / 1000;
    await sleep(3000);
    const app = Number(execFileSync("pgrep", ["-n", "-f", APP], { encoding: "utf8" }).trim());
    const mem = memory(app);
    console.log(
      `app + ${ROWS} messages, History page with ${loaded} rows loaded (${seconds.toFixed(1)} s): PSS ${mb(mem.pss)} MB, RSS ${mb(mem.rss)} MB  [${mem.parts.join(", ")}]`,
    );
    return { loaded, ...mem };
  } finally {
    await Promise.race([driver.quit(), sleep(10000)]);
    driverProcess.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function sizes() {
  const out = [];
  const bench = [];
  const add = (label, p, key) => {
    if (!existsSync(p)) return;
    const size = statSync(p).size / 1048576;
    out.push(`${label} ${size.toFixed(1)} MB`);
    if (key) bench.push(`BENCH ${key} ${size.toFixed(1)} MB`);
  };
  add("app binary", APP, "size.app_binary_mb");
  add("floor binary", FLOOR, "size.floor_binary_mb");
  for (const kind of ["deb", "appimage"]) {
    const dir = path.join(target, "release/bundle", kind);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (/\.(deb|AppImage)$/.test(f)) add(f, path.join(dir, f), f.endsWith(".deb") ? "size.deb_mb" : null);
  }
  console.log(`sizes: ${out.join(", ")}`);
  return bench;
}

// The CLI seeds the History phase's messages.
for (const bin of process.env.BENCH_ONLY === "startup" ? [APP, FLOOR] : [APP, FLOOR, CLI]) {
  if (!existsSync(bin)) {
    console.error(`${bin} is missing: run scripts/bench/startup.sh, which builds it`);
    process.exit(1);
  }
}
console.log(`${RUNS} runs each (median), alternated, after one warm-up run each; ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}\n`);
if (process.env.BENCH_ONLY === "history") {
  await withHistory();
  process.exit(0);
}
const { floor, app } = await measureBoth();
console.log(
  `\nratios to the floor: ready ${(app.ready / floor.ready).toFixed(2)}× (budget 1.15×), idle PSS ${(app.pss / floor.pss).toFixed(2)}×, idle RSS ${(app.rss / floor.rss).toFixed(2)}× (budget 1.3×)`,
);
// BENCH_ONLY=startup: start-up and idle memory only (npm run bench measures browsing apart).
if (process.env.BENCH_ONLY !== "startup") await withHistory();
const sized = sizes();
console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
// The figures, last, one a line (what scripts/bench/run.sh collects).
for (const line of [
  `BENCH startup.floor_ms ${floor.ready.toFixed(0)} ms`,
  `BENCH startup.app_ms ${app.ready.toFixed(0)} ms`,
  `BENCH startup.ratio ${(app.ready / floor.ready).toFixed(2)} x`,
  `BENCH startup.floor_idle_pss_mb ${mb(floor.pss)} MB`,
  `BENCH startup.app_idle_pss_mb ${mb(app.pss)} MB`,
  `BENCH startup.floor_idle_rss_mb ${mb(floor.rss)} MB`,
  `BENCH startup.app_idle_rss_mb ${mb(app.rss)} MB`,
  ...sized,
])
  console.log(line);
