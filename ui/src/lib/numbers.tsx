// The numbers as the whole UI sees them (sidebar badge, pages), refreshed after each change.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import type { ErrorPayload } from "./ipc/bindings/ErrorPayload";
import type { NumberView } from "./ipc/bindings/NumberView";
import { listNumbers } from "./ipc/commands";
import { toIpcError } from "./ipc/errors";
import { useChanges } from "./hooks/useLoad";

interface NumbersState {
  numbers: NumberView[] | null;
  error: ErrorPayload | null;
  refresh: () => Promise<void>;
  /** Replaces one number after a command returned its new state. */
  put: (n: NumberView) => void;
}

const NumbersContext = createContext<NumbersState | null>(null);

export function NumbersProvider({ children }: { children: ReactNode }) {
  const [numbers, setNumbers] = useState<NumberView[] | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const refresh = useCallback(async () => {
    try {
      setNumbers(await listNumbers());
      setError(null);
    } catch (e) {
      setError(toIpcError(e));
    }
  }, []);
  const put = useCallback((n: NumberView) => {
    setNumbers((list) => {
      const rest = (list ?? []).filter((x) => x.id !== n.id);
      return [...rest, n].sort((a, b) => a.label.localeCompare(b.label));
    });
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  // Added, edited or removed numbers and key changes (a key found superseded, too).
  useChanges(["numbers", "keys"], () => void refresh());
  return (
    <NumbersContext.Provider value={{ numbers, error, refresh, put }}>
      {children}
    </NumbersContext.Provider>
  );
}

export function useNumbers(): NumbersState {
  const ctx = useContext(NumbersContext);
  if (!ctx) throw new Error("useNumbers outside NumbersProvider");
  return ctx;
}

export const KEY_STATE_LABEL: Record<NumberView["key_state"], string> = {
  none: "no key",
  unverified: "unverified",
  verified: "verified",
  superseded: "superseded",
};
