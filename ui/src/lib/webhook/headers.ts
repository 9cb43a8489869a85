import { useEffect, useState } from "react";
import type { HeaderProblem } from "../ipc/bindings/HeaderProblem";
import type { HeaderRow } from "../ipc/bindings/HeaderRow";
import { checkWebhookHeaders } from "../ipc/commands";

export type { HeaderRow };

/** What the form knows of the rows' problems: one per row, and the count limit. */
export type HeaderState = {
  problems: HeaderProblem[];
  /** The most custom headers 360dialog takes, once the core has answered. */
  max: number | null;
  /** True while any row has a problem. */
  bad: boolean;
};

const fine: HeaderProblem = { name: null, value: null };

/**
 * 360dialog's custom-header rules, asked of the core (`check_webhook_headers`, the same rules it
 * applies on save) as the user types. Until the core has answered for the rows shown, each row
 * keeps its last answer.
 */
export function useHeaderCheck(rows: HeaderRow[]): HeaderState {
  const [answer, setAnswer] = useState<{ problems: HeaderProblem[]; max: number | null }>({ problems: [], max: null });
  const key = JSON.stringify(rows);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      checkWebhookHeaders(JSON.parse(key) as HeaderRow[]).then(
        (c) => live && setAnswer({ problems: c.problems, max: c.max }),
        () => live && setAnswer((a) => a),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [key]);
  const problems = rows.map((_, i) => answer.problems[i] ?? fine);
  return { problems, max: answer.max, bad: problems.some((p) => p.name !== null || p.value !== null) };
}
