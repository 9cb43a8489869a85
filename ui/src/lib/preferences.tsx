// The UI's preferences (theme, the number chosen last, …) as one shared state, read once at
// start and written through the core's `set_preferences`, so no page writes a stale copy.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from "react";
import type { Preferences } from "./ipc/bindings/Preferences";
import { getPreferences, setPreferences } from "./ipc/commands";

export const DEFAULT_PREFERENCES: Preferences = {
  theme: "system",
  last_number: null,
  base_urls: {},
  default_environment: null,
  your_name: null,
  downloads_dir: null,
};

interface PreferencesState {
  preferences: Preferences;
  /** False until the stored preferences arrived (or failed to). */
  loaded: boolean;
  /** Takes preferences a command returned (e.g. Settings saved them). */
  put: (p: Preferences) => void;
  /** Saves a change of some fields at once; a failed write keeps the change for this session
   * and rejects with the error. */
  save: (patch: Partial<Preferences>) => Promise<void>;
}

const PreferencesContext = createContext<PreferencesState | null>(null);

export function PreferencesProvider(props: { children: ReactNode; onLoaded?: (p: Preferences) => void; onChange?: (p: Preferences) => void }) {
  const [preferences, setState] = useState<Preferences>(DEFAULT_PREFERENCES);
  const [loaded, setLoaded] = useState(false);
  const current = useRef(preferences);
  /** Counts every change, so an answer to an older write never replaces a newer change. */
  const version = useRef(0);
  const { onLoaded, onChange } = props;

  const put = useCallback(
    (p: Preferences) => {
      version.current += 1;
      current.current = p;
      setState(p);
      onChange?.(p);
    },
    [onChange],
  );

  useEffect(() => {
    getPreferences()
      // Fields a shell of an older version does not know yet get their defaults.
      .then((p) => put({ ...DEFAULT_PREFERENCES, ...p }))
      .catch(() => put(DEFAULT_PREFERENCES))
      .finally(() => {
        setLoaded(true);
        onLoaded?.(current.current);
      });
  }, [put, onLoaded]);

  const save = useCallback(
    async (patch: Partial<Preferences>) => {
      const next = { ...current.current, ...patch };
      put(next);
      const mine = version.current;
      try {
        const saved = await setPreferences(next);
        // Another change came after this one (e.g. the theme while the chosen number was being
        // written): its own write carries this one's fields too, so this answer is stale.
        if (version.current === mine) put(saved);
      } catch (e) {
        // Not written: the change still holds until the app closes; the caller may say so.
        throw e;
      }
    },
    [put],
  );

  return (
    <PreferencesContext.Provider value={{ preferences, loaded, put, save }}>{props.children}</PreferencesContext.Provider>
  );
}

export function usePreferences(): PreferencesState {
  const ctx = useContext(PreferencesContext);
  if (!ctx) throw new Error("usePreferences outside PreferencesProvider");
  return ctx;
}
