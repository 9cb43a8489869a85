// After a submit, Meta's review decides a template within seconds to hours, and 360dialog pushes
// no template status to a number's webhook. So the page asks for that template's status again:
// soon at first, then less often, for a bounded time, and stops as soon as it is decided.
import { useCallback, useEffect, useRef, useState } from "react";
import type { TemplateRow } from "../../lib/ipc/bindings/TemplateRow";

export type Watched = { name: string; language: string };

/** When to ask again: `firstMs`, then each wait `factor` times longer up to `maxMs`, for `forMs` in all. */
export type ReviewSchedule = { firstMs: number; factor: number; maxMs: number; forMs: number };

export const REVIEW_SCHEDULE: ReviewSchedule = { firstMs: 2_000, factor: 1.5, maxMs: 30_000, forMs: 10 * 60_000 };

/** Statuses that still wait for Meta's review (the API's, compared case-insensitively). */
const UNDECIDED = new Set(["pending", "in_appeal"]);

export const isDecided = (status: string) => !UNDECIDED.has(status.toLowerCase());

/** The wait before attempt `n` (0-based). */
export function reviewDelay(n: number, s: ReviewSchedule = REVIEW_SCHEDULE): number {
  return Math.min(s.maxMs, Math.round(s.firstMs * s.factor ** n));
}

const same = (a: Watched, b: Watched) => a.name === b.name && a.language === b.language;

/**
 * Watches submitted templates until Meta decides. `sync` fetches the statuses from 360dialog
 * (and stores them); `statusOf` reads one variant's stored row afterwards. `onDecided` is called
 * once per variant with its decided row; `onGaveUp` with the variants still undecided when the
 * schedule ends. Watching starts over (soon again) with each `watch`, and ends when the number changes.
 */
export function useReviewWatch(opts: {
  numberId: number | null;
  sync: () => Promise<void>;
  statusOf: (w: Watched) => Promise<TemplateRow | null>;
  onDecided: (row: TemplateRow) => void;
  onGaveUp: (still: Watched[]) => void;
  schedule?: ReviewSchedule;
}) {
  const [watching, setWatching] = useState<Watched[]>([]);
  const [round, setRound] = useState(0);
  const latest = useRef(opts);
  latest.current = opts;
  const watched = useRef<Watched[]>([]);
  watched.current = watching;

  useEffect(() => setWatching([]), [opts.numberId]);

  const watch = useCallback((w: Watched) => {
    setWatching((ws) => [...ws.filter((x) => !same(x, w)), w]);
    setRound((r) => r + 1);
  }, []);

  const active = watching.length > 0;
  useEffect(() => {
    if (!active) return;
    const schedule = latest.current.schedule ?? REVIEW_SCHEDULE;
    const started = Date.now();
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    const tick = async () => {
      if (cancelled) return;
      try {
        await latest.current.sync();
      } catch {
        // The page shows a failed sync itself; keep asking until the schedule ends.
      }
      const decided: TemplateRow[] = [];
      for (const w of watched.current) {
        const row = await latest.current.statusOf(w).catch(() => null);
        if (row && isDecided(row.status)) decided.push(row);
      }
      if (cancelled) return;
      const still = watched.current.filter((w) => !decided.some((d) => same(d, w)));
      setWatching(still);
      decided.forEach((d) => latest.current.onDecided(d));
      if (still.length === 0) return;
      attempt += 1;
      const wait = reviewDelay(attempt, schedule);
      if (Date.now() - started + wait > schedule.forMs) {
        setWatching([]);
        latest.current.onGaveUp(still);
        return;
      }
      timer = setTimeout(() => void tick(), wait);
    };
    timer = setTimeout(() => void tick(), reviewDelay(0, schedule));
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [active, round]);

  return { watching, watch };
}
