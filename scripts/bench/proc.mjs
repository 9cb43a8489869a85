// Memory of a process tree, read from /proc: shared by the start-up and browsing benchmarks.
import { readdirSync, readFileSync } from "node:fs";

/** The process and all its descendants. */
export function tree(pid) {
  const parent = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [p, pp] of parent) if (pp === out[i]) out.push(p);
  return out;
}

/** RSS and PSS (kB) of a process tree, with each process's share (PSS in MB, anonymous and file-backed). */
export function memory(pid) {
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
      const mb = (k) => (get(k) / 1024).toFixed(1);
      // Its share, and of that what is the process's own memory and what is mapped files.
      parts.push(`${comm} ${mb("Pss")} (anon ${mb("Pss_Anon")}, file ${mb("Pss_File")})`);
    } catch {
      // gone meanwhile
    }
  }
  return { rss, pss, parts };
}
