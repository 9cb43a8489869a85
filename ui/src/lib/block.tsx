// Blocking and unblocking users: shared by the Setup page's block list and a conversation.
import { useState } from "react";
import type { BlockChange } from "./ipc/bindings/BlockChange";
import type { BlockOutcome } from "./ipc/bindings/BlockOutcome";
import type { ErrorPayload } from "./ipc/bindings/ErrorPayload";
import { changeBlocked } from "./ipc/commands";
import { toIpcError } from "./ipc/errors";

/** What a block or unblock did, in a line per user. */
export function BlockResult({ outcome }: { outcome: BlockOutcome }) {
  const verb = outcome.change === "block" ? "Blocked" : "Unblocked";
  return (
    <div role="status" className="block-result" id="block-result">
      {outcome.changed.length > 0 && (
        <p>
          {verb}: <span className="mono">{outcome.changed.join(", ")}</span>
        </p>
      )}
      {outcome.failed.map((f) => (
        <p key={f.user} className="field__error" data-failed={f.user}>
          <span className="mono">{f.user}</span>: {f.reason}
        </p>
      ))}
    </div>
  );
}

/** Blocks or unblocks users of a number; keeps the outcome or the error to show. */
export function useBlockAction(numberId: number | null) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [outcome, setOutcome] = useState<BlockOutcome | null>(null);
  async function run(change: BlockChange, users: string[]) {
    if (numberId === null) return;
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      setOutcome(await changeBlocked(numberId, change, users));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, outcome, run };
}

