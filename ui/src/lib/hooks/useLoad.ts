import { type DependencyList, useCallback, useEffect, useRef, useState } from "react";
import type { ErrorPayload } from "../ipc/bindings/ErrorPayload";
import { type Change, onChange, type Topic } from "../ipc/events";
import { toIpcError } from "../ipc/errors";

/** Runs `cb` for every change of one of `topics` while the component is mounted. */
export function useChanges(topics: readonly Topic[], cb: (c: Change) => void) {
  const latest = useRef(cb);
  latest.current = cb;
  const key = topics.join(",");
  useEffect(() => {
    return onChange(key.split(",") as Topic[], (c) => latest.current(c));
  }, [key]);
}

export interface Loaded<T> {
  data: T | null;
  error: ErrorPayload | null;
  loading: boolean;
  /** Loads again now (after a user action). */
  reload: () => Promise<void>;
  /** Replaces the data with a command's answer without loading again. */
  setData: (d: T | null | ((prev: T | null) => T | null)) => void;
}

/**
 * Loads `fetcher()` when `deps` change and again whenever the core reports a change of one of
 * `topics`. An answer that arrives after a newer load started is dropped, so the newest load
 * always wins (the shell already batches bursts of changes). `fetcher` returning `null` means "nothing to
 * load" (e.g. no number chosen): the data becomes `null` without a call.
 */
export function useLoad<T>(
  fetcher: () => Promise<T> | null,
  deps: DependencyList,
  topics: readonly Topic[],
): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const alive = useRef(true);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const fetch = useCallback(fetcher, deps);

  const run = useCallback(async () => {
    const mine = ++seq.current;
    const p = fetch();
    if (p === null) {
      setData(null);
      setError(null);
      return;
    }
    setLoading(true);
    try {
      const d = await p;
      if (alive.current && mine === seq.current) {
        setData(d);
        setError(null);
      }
    } catch (e) {
      if (alive.current && mine === seq.current) setError(toIpcError(e));
    } finally {
      if (alive.current && mine === seq.current) setLoading(false);
    }
  }, [fetch]);

  const reload = run;

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  // New inputs: start over (an older answer still in flight is dropped by `seq`).
  useEffect(() => {
    void reload();
  }, [reload]);

  useChanges(topics, () => void reload());

  return { data, error, loading, reload, setData };
}
