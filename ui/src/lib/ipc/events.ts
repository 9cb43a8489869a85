// The one place that listens to the Rust side's events. Pages subscribe through `onChange`
// (or the hooks in ../hooks), never through @tauri-apps/api/event directly.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Change } from "./bindings/Change";
import type { Topic } from "./bindings/Topic";

/** The Tauri event the shell forwards each core change as. */
export const CHANGED_EVENT = "app://changed";

/** What changed and one change, emitted after the transaction that made it committed. */
export type { Change, Topic };

type Subscriber = { topics: readonly Topic[]; cb: (c: Change) => void };

const subscribers = new Set<Subscriber>();
let listening: Promise<UnlistenFn | null> | null = null;

function dispatch(change: Change) {
  for (const s of [...subscribers]) {
    if (s.topics.includes(change.topic)) s.cb(change);
  }
}

function isChange(p: unknown): p is Change {
  return typeof p === "object" && p !== null && typeof (p as Change).topic === "string";
}

/** One `listen` for the whole app, started with the first subscriber and ended with the last. */
function ensureListening() {
  if (listening) return;
  listening = listen<unknown>(CHANGED_EVENT, (e) => {
    if (isChange(e.payload)) dispatch({ topic: e.payload.topic, numberId: e.payload.numberId ?? null });
  }).catch(() => null); // no event bridge (e.g. a test without event mocks): nothing arrives
}

function stopListening() {
  const l = listening;
  listening = null;
  // The bridge may be gone already (window closing, a test's mocks cleared): nothing to undo.
  void l
    ?.then((unlisten) => (unlisten as (() => unknown) | null)?.())
    .catch(() => undefined);
}

/** Calls `cb` for each change of one of `topics`; returns the unsubscribe function. */
export function onChange(topics: readonly Topic[], cb: (c: Change) => void): () => void {
  const s: Subscriber = { topics, cb };
  subscribers.add(s);
  ensureListening();
  return () => {
    subscribers.delete(s);
    if (subscribers.size === 0) stopListening();
  };
}
