// Start-up and footprint benchmark: WABA Desk against a minimal Tauri "hello" window built the
// same way (the floor). Run through scripts/bench/startup.sh, which builds both in release and
// provides the display and keyring; `node scripts/bench/startup.mjs [runs]` inside that.
//
// Measures, for each binary over several runs (median):
//   - time from exec to the first painted page (both UIs log "UI ready" after their first frame);
//   - memory of the app and its WebKit processes, 3 s after ready (idle): RSS and PSS summed;
// then, for WABA Desk only, the bundle sizes. Memory while browsing History with 100,000 and
// 1,000,000 messages is scripts/bench/memory.mjs.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const target = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(root, "target");
const APP = path.join(target, "release/wabadesk-app");
const FLOOR = path.join(target, "release/wabadesk-floor");
const CLI = path.join(target, "release/wabadesk");
const RUNS = Number(process.argv[2] ?? 5);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mb = (kb) => (kb / 1024).toFixed(1);

/** The process and all its descendants. */
function tree(pid) {
  const parent = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(Number(d), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [p, pp] of parent) if (pp === out[i]) out.push(p);
  return out;
}

/** RSS and PSS (kB) of a process tree, with each process's share. */
function memory(pid) {
  let rss = 0;
  let pss = 0;
  const parts = [];
  for (const p of tree(pid)) {
    try {
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, "utf8");
      const get = (k) => Number(rollup.match(new RegExp(`^${k}:\\s+(\\d+)`, "m"))?.[1] ?? 0);
      const comm = readFileSync(`/proc/${p}/comm`, "utf8").trim();
      rss += get("Rss");
      pss += get("Pss");
      parts.push(`${comm} ${mb(get("Pss"))}`);
    } catch {
      // gone meanwhile
    }
  }
  return { rss, pss, parts };
}

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

async function measure(label, bin) {
  await startOnce(bin); // warm the page cache; not counted
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await startOnce(bin));
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

function sizes() {
  const out = [];
  const add = (label, p) => existsSync(p) && out.push(`${label} ${(statSync(p).size / 1048576).toFixed(1)} MB`);
  add("app binary", APP);
  add("floor binary", FLOOR);
  for (const kind of ["deb", "appimage"]) {
    const dir = path.join(target, "release/bundle", kind);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (/\.(deb|AppImage)$/.test(f)) add(f, path.join(dir, f));
  }
  console.log(`sizes: ${out.join(", ")}`);
  return out;
}

for (const bin of [APP, FLOOR, CLI]) {
  if (!existsSync(bin)) {
    console.error(`${bin} is missing: run scripts/bench/startup.sh, which builds it`);
    process.exit(1);
  }
}
console.log(`${RUNS} runs each (median), after one warm-up run; ${os.cpus().length} CPUs\n`);
const floor = await measure("floor", FLOOR);
const app = await measure("WABA Desk", APP);
console.log(
  `\nratios to the floor: ready ${(app.ready / floor.ready).toFixed(2)}× (budget 1.5×), idle PSS ${(app.pss / floor.pss).toFixed(2)}×, idle RSS ${(app.rss / floor.rss).toFixed(2)}× (budget 1.3×)`,
);
sizes();
