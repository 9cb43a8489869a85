// The table of `npm run bench` (scripts/bench/run.sh): reads each part's output and outcome
// from the run's work dir, picks its `BENCH <key> <value> <unit>` lines, and prints one table
// (measure | floor | WABA Desk | ratio | budget | ok); saves it with the raw output of every
// part as <out>/<date>-<commit>.txt and the table as <out>/latest.md.
//   node scripts/bench/table.mjs WORK_DIR OUT_DIR
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The parts, in the order they run. */
export const PARTS = ["startup", "memory", "history", "ingest"];

/**
 * The rows. A ratio row compares `app` with `floor` (`max` or `min` is the budget on the ratio);
 * an absolute row holds `app` to `max`. `part` is whose figures the row reads (for a key two
 * parts print, the row's own part wins); `floorLabel` names what the floor is when it is not a
 * floor program.
 */
export const ROWS = [
  { measure: "exec → first painted page (median of 15)", part: "startup", floor: "startup.floor_ms", app: "startup.app_ms", max: 1.15 },
  { measure: "idle memory, PSS (app + WebKit processes)", part: "startup", floor: "startup.floor_idle_pss_mb", app: "startup.app_idle_pss_mb", max: 1.3 },
  { measure: "idle memory, RSS", part: "startup", floor: "startup.floor_idle_rss_mb", app: "startup.app_idle_rss_mb", max: 1.3 },
  { measure: "History browsed, 100,000 messages, PSS (floor: idle)", part: "memory", floor: "memory.idle_pss_mb", app: "memory.browse100k_pss_mb", max: 1.3 },
  { measure: "History browsed, 1,000,000 messages, PSS (floor: idle)", part: "memory", floor: "memory.idle_pss_mb", app: "memory.browse1m_pss_mb", max: 1.3 },
  { measure: "History queries at 1M messages, worst p95", part: "history", app: "history.p95_worst_ms", absMax: 20, unit: "ms" },
  { measure: "receiver durable ingest (floor: bare HTTP 200)", part: "ingest", floor: "ingest.floor_rps", app: "ingest.app_rps", min: 0.3 },
  { measure: "events lost by the receiver", part: "ingest", app: "ingest.lost", absMax: 0 },
  { measure: "`.deb`", part: "startup", app: "size.deb_mb", absBelow: 20, unit: "MB" },
];

/** `BENCH key value unit` lines of a part's output: key → {value, unit}. */
export function figures(text) {
  const out = new Map();
  for (const line of text.split("\n")) {
    const m = line.match(/^BENCH (\S+) (-?[\d.]+(?:e[+-]?\d+)?) ?(.*)$/);
    if (m) out.set(m[1], { value: Number(m[2]), unit: m[3].trim() });
  }
  return out;
}

const show = (f) => {
  if (!f) return "";
  const v = Math.abs(f.value) >= 100 ? Math.round(f.value).toLocaleString("en-US") : String(f.value);
  return f.unit ? `${v} ${f.unit}` : v;
};

/**
 * The table's cells for each row, given each part's figures (`byPart`: part → Map) and outcome
 * (`status`: part → text).
 */
export function tableRows(byPart, status) {
  const all = new Map();
  for (const part of PARTS) for (const [k, v] of byPart.get(part) ?? []) if (!all.has(k)) all.set(k, v);
  const get = (row, key) => byPart.get(row.part)?.get(key) ?? all.get(key);
  const rows = ROWS.map((row) => {
    const app = get(row, row.app);
    const floor = row.floor ? get(row, row.floor) : undefined;
    let ratio = "";
    let budget = "";
    let ok;
    if (row.max !== undefined || row.min !== undefined) {
      budget = row.max !== undefined ? `≤ ${row.max}×` : `≥ ${row.min}×`;
      if (app && floor && floor.value > 0) {
        const r = app.value / floor.value;
        ratio = `${r.toFixed(2)}×`;
        ok = row.max !== undefined ? r <= row.max : r >= row.min;
      }
    } else if (row.absMax !== undefined) {
      budget = row.absMax === 0 ? "0" : `≤ ${row.absMax} ${row.unit}`;
      if (app) ok = app.value <= row.absMax;
    } else if (row.absBelow !== undefined) {
      budget = `< ${row.absBelow} ${row.unit}`;
      if (app) ok = app.value < row.absBelow;
    }
    const why = status.get(row.part) ?? "not run: not asked for";
    const okCell = why.startsWith("failed") ? `part ${why}` : ok === undefined ? (why.startsWith("ok") || why.startsWith("measured") ? "not run: no figure" : why) : ok ? "yes" : "**NO**";
    return [row.measure, show(floor), show(app), ratio, budget, okCell];
  });
  // Every History query shape the benchmark reports, below the table.
  const shapes = [...(byPart.get("history") ?? [])]
    .filter(([k]) => /^history\..+_p95_ms$/.test(k) && k !== "history.p95_worst_ms")
    .map(([k, v]) => [k.replace(/^history\./, "").replace(/_p95_ms$/, ""), show(v), v.value <= 20 ? "yes" : "**NO**"]);
  return { rows, shapes };
}

export function markdown(rows, shapes) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  const out = [line(["measure", "floor", "WABA Desk", "ratio", "budget", "ok"]), line(["---", "---", "---", "---", "---", "---"]), ...rows.map(line)];
  if (shapes.length) {
    out.push("", "History queries at 1M messages, p95 by shape (budget ≤ 20 ms):", "", line(["query", "p95", "ok"]), line(["---", "---", "---"]), ...shapes.map(line));
  }
  return out.join("\n");
}

function main([work, outDir]) {
  const meta = readFileSync(path.join(work, "meta"), "utf8");
  const field = (k) => meta.match(new RegExp(`^${k} (.*)$`, "m"))?.[1] ?? "";
  const byPart = new Map();
  const status = new Map();
  let raw = "";
  for (const part of PARTS) {
    const log = path.join(work, `${part}.log`);
    const st = path.join(work, `${part}.status`);
    if (existsSync(st)) status.set(part, readFileSync(st, "utf8").trim());
    if (existsSync(log)) {
      const text = readFileSync(log, "utf8");
      byPart.set(part, figures(text));
      raw += `\n===== ${part} (${status.get(part) ?? ""}) =====\n${text}`;
    } else if (status.has(part)) {
      raw += `\n===== ${part} =====\n${status.get(part)}\n`;
    }
  }
  const { rows, shapes } = tableRows(byPart, status);
  const table = markdown(rows, shapes);
  const date = field("date");
  const commit = field("commit");
  const head = [
    `npm run bench, ${date}, commit ${commit}`,
    `${field("machine")}; load average ${field("load_start")} at the start, ${field("load_end")} at the end`,
    ...(field("note") ? [`note: ${field("note")}`] : []),
  ];
  console.log(`\n${head.join("\n")}\n\n${table}\n`);
  const base = `${date.slice(0, 10)}-${commit.split(" ")[0]}`;
  writeFileSync(path.join(outDir, `${base}.txt`), `${head.join("\n")}\n\n${table}\n\nRaw output of each part:\n${raw}`);
  writeFileSync(
    path.join(outDir, "latest.md"),
    `# Latest benchmark run\n\n${head.map((l) => `${l}  `).join("\n")}\n\n${table}\n\nRaw output: [${base}.txt](${base}.txt)\n`,
  );
  const where = path.relative(process.cwd(), outDir) || ".";
  console.log(`saved ${where}/${base}.txt and ${where}/latest.md`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main(process.argv.slice(2));
