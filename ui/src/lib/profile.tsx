// Which profile the app has open: the user's own, or the demo profile. The banner, the
// Numbers page's "Try it with a demo account" and `--demo` all go through here.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from "react";
import type { ErrorPayload } from "./ipc/bindings/ErrorPayload";
import { leaveDemo, type ProfileStatus, profileStatus, startDemo } from "./ipc/commands";
import { toIpcError } from "./ipc/errors";

interface ProfileState {
  status: ProfileStatus | null;
  /** The demo is being set up (or left). */
  busy: boolean;
  /** The steps of the demo being set up, in order. */
  steps: string[];
  error: ErrorPayload | null;
  tryDemo: () => Promise<void>;
  backToMine: () => Promise<void>;
}

const ProfileContext = createContext<ProfileState | null>(null);

export function ProfileProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<ProfileStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [steps, setSteps] = useState<string[]>([]);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const requestedOnce = useRef(false);

  const tryDemo = useCallback(async () => {
    setBusy(true);
    setError(null);
    setSteps([]);
    try {
      setStatus(await startDemo((step) => setSteps((s) => [...s, step])));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }, []);

  const backToMine = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      setStatus(await leaveDemo());
      setSteps([]);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    let live = true;
    profileStatus().then(
      (s) => {
        if (!live) return;
        setStatus(s);
        // `npm run app -- --demo`: the same as pressing "Try it with a demo account".
        if (s.demoRequested && !s.demo && !requestedOnce.current) {
          requestedOnce.current = true;
          void tryDemo();
        }
      },
      // An older shell without profiles: the user's profile, no demo.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [tryDemo]);

  return (
    <ProfileContext.Provider value={{ status, busy, steps, error, tryDemo, backToMine }}>
      {children}
    </ProfileContext.Provider>
  );
}

export function useProfile(): ProfileState {
  const ctx = useContext(ProfileContext);
  if (!ctx) throw new Error("useProfile outside ProfileProvider");
  return ctx;
}

/** Always on screen while the demo profile is open, with the one way back. */
export function DemoBanner() {
  const { status, busy, backToMine } = useProfile();
  if (!status?.demo) return null;
  return (
    <div className="demo-banner" role="region" aria-label="Demo profile">
      <strong>Demo — nothing leaves this computer</strong>
      <span className="hint">
        A local simulator plays 360dialog; your own numbers and keys are not touched.
      </span>
      <button type="button" id="leave-demo" onClick={() => void backToMine()} disabled={busy}>
        Back to my profile
      </button>
    </div>
  );
}

/** "Try it with a demo account", with the steps as they happen. */
export function TryDemo() {
  const { status, busy, steps, error, tryDemo } = useProfile();
  if (status?.demo) return null;
  return (
    <div className="try-demo">
      <button type="button" id="try-demo" className="primary" onClick={() => void tryDemo()} disabled={busy}>
        {busy ? "Setting up the demo…" : "Try it with a demo account"}
      </button>
      <p className="hint">
        Two demo numbers on a simulator inside the app, in a separate demo profile: nothing is sent
        to 360dialog or WhatsApp.
      </p>
      {steps.length > 0 && (
        <ol className="demo-steps" role="status" aria-label="Demo set-up" aria-live="polite">
          {steps.map((s, i) => (
            <li key={i} aria-current={busy && i === steps.length - 1 ? "step" : undefined}>
              {s}
            </li>
          ))}
        </ol>
      )}
      {error && (
        <div className="error-banner" role="alert" data-code={error.code}>
          <strong>The demo could not start</strong>
          <p>{error.message}</p>
        </div>
      )}
    </div>
  );
}
