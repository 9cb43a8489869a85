// Journeys: the app walked as a user walks it, from an EMPTY profile (a fresh data dir and its
// own keyring namespace, no number set up beforehand). The user's actions go through the window
// only (see ui.mjs); the test acts only for the outside world (world.mjs). Every step saves a
// screenshot as e2e/artifacts/journeys/<journey>/<NN-step>.png.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, captureWindow, launch, waitReady } from "../harness.mjs";

export const JOURNEY_ARTIFACTS = path.join(ARTIFACTS, "journeys");

/**
 * Opens the app on an empty profile for journey `name`. Returns the session plus `step(title, fn)`,
 * which runs one user step and saves its screenshot (also when the step fails, as
 * `<NN-step>-FAILED.png`), and `timings`, each step's duration for the report.
 */
export async function startJourney(name) {
  const dir = path.join(JOURNEY_ARTIFACTS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const app = await launch(undefined, { keyringService: `com.wabadesk.desk.journey-${name}-${process.pid}` });
  await waitReady(app.driver);
  let n = 0;
  const timings = [];
  const shot = (file) => captureWindow(app.driver, path.join(dir, file));
  return {
    ...app,
    dir,
    timings,
    async step(title, fn) {
      n += 1;
      const file = `${String(n).padStart(2, "0")}-${title.replace(/[^\w.-]+/g, "-")}`;
      const started = Date.now();
      try {
        const result = await fn();
        await shot(`${file}.png`);
        timings.push({ step: file, ms: Date.now() - started });
        return result;
      } catch (e) {
        await shot(`${file}-FAILED.png`).catch(() => {});
        throw e;
      }
    },
    /** Writes the step timings next to the screenshots. */
    writeTimings() {
      writeFileSync(path.join(dir, "timings.json"), JSON.stringify(timings, null, 2));
    },
  };
}

/**
 * Journeys that rely on UI another part of the app adds: `missingIds(ids)` lists the element ids
 * that appear nowhere in ui/src as a quoted literal, so such a journey is skipped naming exactly
 * the ids it waits for, instead of failing for a reason that is not a defect.
 */
const UI_SRC = path.resolve(import.meta.dirname, "../../ui/src");

function uiSources(dir = UI_SRC) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return uiSources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [readFileSync(p, "utf8")] : [];
  });
}

export function missingIds(ids) {
  const all = uiSources().join("\n");
  return ids.filter((id) => !["\"", "'", "`"].some((q) => all.includes(`${q}${id}${q}`)));
}

/** The `skip` option of a journey's test: false when every id exists, else the reason. */
export function skipUnless(ids, waitsFor) {
  const missing = missingIds(ids);
  return missing.length === 0 ? false : `waits for ${waitsFor}: the UI has no ${missing.map((i) => `#${i}`).join(", ")} yet`;
}
