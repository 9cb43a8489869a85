// "The chosen number", shared by every page: picking a number on one page shows the same number
// on the next, also after navigating away and back. The last specific number is kept in the
// preferences (`last_number`) so it survives a restart; "All numbers" holds for the session.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import type { NumberView } from "../ipc/bindings/NumberView";
import { useNumbers } from "../numbers";
import { usePreferences } from "../preferences";

interface ChosenState {
  /** The number chosen last (null: none yet). */
  one: number | null;
  /** True when the user chose "All numbers" on a page that can show all. */
  all: boolean;
  choose: (id: number | null, canShowAll: boolean) => void;
}

const ChosenContext = createContext<ChosenState | null>(null);

export function ChosenNumberProvider({ children }: { children: ReactNode }) {
  const { preferences, loaded, save } = usePreferences();
  const [one, setOne] = useState<number | null>(null);
  const [all, setAll] = useState(false);
  const touched = useRef(false);

  // The number remembered from the last run, unless the user chose one already.
  useEffect(() => {
    if (!loaded || touched.current) return;
    const id = Number(preferences.last_number);
    if (preferences.last_number && Number.isInteger(id)) setOne(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded]);

  const choose = useCallback(
    (id: number | null, canShowAll: boolean) => {
      touched.current = true;
      if (id === null && canShowAll) {
        setAll(true);
        return;
      }
      setAll(false);
      setOne(id);
      const stored = id === null ? null : String(id);
      if (stored !== preferences.last_number) save({ last_number: stored }).catch(() => undefined);
    },
    [preferences.last_number, save],
  );

  const value = useMemo(() => ({ one, all, choose }), [one, all, choose]);
  return <ChosenContext.Provider value={value}>{children}</ChosenContext.Provider>;
}

/**
 * The chosen number as a page sees it, with its setter.
 *
 * - `canShowAll` pages (History, Inbox, Audit): `null` is "All numbers"; any number may be chosen.
 * - Other pages need one number with a key: the chosen one if it has a key, else the only
 *   number with a key, else `null` ("Choose a number…").
 */
export function useChosenNumber(opts: { canShowAll: boolean }): [number | null, (id: number | null) => void] {
  const ctx = useContext(ChosenContext);
  if (!ctx) throw new Error("useChosenNumber outside ChosenNumberProvider");
  const { numbers } = useNumbers();
  const { one, all, choose } = ctx;
  const { canShowAll } = opts;
  const value = useMemo(() => pick(numbers, one, all, canShowAll), [numbers, one, all, canShowAll]);
  const set = useCallback((id: number | null) => choose(id, canShowAll), [choose, canShowAll]);
  return [value, set];
}

function pick(numbers: NumberView[] | null, one: number | null, all: boolean, canShowAll: boolean): number | null {
  if (!numbers) return null;
  const chosen = numbers.find((n) => n.id === one) ?? null;
  if (canShowAll) return all ? null : (chosen?.id ?? null);
  if (chosen && chosen.key_state !== "none") return chosen.id;
  const withKey = numbers.filter((n) => n.key_state !== "none");
  return withKey.length === 1 ? withKey[0].id : null;
}
