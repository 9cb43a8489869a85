import { type FormEvent, useState } from "react";
import { When } from "../../lib/components/Badges";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { useLoad } from "../../lib/hooks/useLoad";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { RelayStatus } from "../../lib/ipc/bindings/RelayStatus";
import type { RelaySync } from "../../lib/ipc/bindings/RelaySync";
import { relayConnect, relayDisconnect, relayStatus, relaySync } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";

/**
 * Settings → Team relay: the relay's address and this desktop's access token (verified by the
 * relay, then kept in the keyring). While connected, History fills from the relay in the
 * background (catch up, then live); offline, the local copy keeps working and catches up later.
 */
export function TeamRelay() {
  const status = useLoad(() => relayStatus(), [], ["inbox"]);
  const [url, setUrl] = useState("");
  const [token, setToken] = useState("");
  const [newToken, setNewToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [synced, setSynced] = useState<RelaySync | null>(null);
  const s = status.data;

  async function run<T>(f: () => Promise<T>): Promise<T | null> {
    setBusy(true);
    setError(null);
    try {
      return await f();
    } catch (e) {
      setError(toIpcError(e));
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function connect(ev: FormEvent) {
    ev.preventDefault();
    const next = await run(() => relayConnect(url, token));
    if (next) {
      status.setData(next);
      setToken("");
    }
  }

  return (
    <section className="card" aria-labelledby="relay-title">
      <h2 id="relay-title">Team relay</h2>
      <p className="hint">
        An always-on relay (<code>wabadesk-relay</code>) receives the webhooks of your team&apos;s numbers, so History
        holds what arrived while this computer was off.
      </p>
      {status.error && <ErrorBanner error={status.error} />}
      {s?.connected ? (
        <>
          <dl className="facts" id="relay-facts">
            <dt>Relay</dt>
            <dd className="mono" id="relay-url">
              {s.url}
            </dd>
            <dt>Token</dt>
            <dd>{s.token_name}</dd>
            <dt>Events stored here</dt>
            <dd id="relay-cursor">up to #{s.cursor}</dd>
            <dt>Last caught up</dt>
            <dd>{s.last_sync_at ? <When at={s.last_sync_at} /> : "not yet"}</dd>
          </dl>
          <RelayState status={s} />
          {s.problem === "token_rejected" && (
            <form
              className="form"
              aria-label="Use a new access token"
              onSubmit={async (ev) => {
                ev.preventDefault();
                const next = await run(() => relayConnect(s.url ?? "", newToken));
                if (next) {
                  status.setData(next);
                  setNewToken("");
                }
              }}
            >
              <label className="field field--wide">
                <span>New access token</span>
                <input
                  id="relay-new-token-input"
                  type="password"
                  value={newToken}
                  onChange={(e) => setNewToken(e.target.value)}
                  placeholder="wdr_…"
                  spellCheck={false}
                  autoComplete="off"
                />
              </label>
              <div className="form__actions">
                <button type="submit" id="relay-use-token" className="primary" disabled={busy || !newToken.trim()}>
                  {busy ? "Checking…" : "Use this token"}
                </button>
              </div>
            </form>
          )}
          <div className="form__actions">
            <button
              type="button"
              id="relay-sync"
              disabled={busy}
              onClick={async () => {
                // A failure shows in the state above (plain words, details behind it), not as a banner.
                setBusy(true);
                setSynced(null);
                try {
                  setSynced(await relaySync());
                } catch {
                  void status.reload();
                } finally {
                  setBusy(false);
                }
              }}
            >
              Catch up now
            </button>
            <button
              type="button"
              id="relay-disconnect"
              disabled={busy}
              onClick={async () => {
                const next = await run(() => relayDisconnect());
                if (next) status.setData(next);
              }}
            >
              Disconnect
            </button>
            {synced && (
              <span role="status" className="notice">
                {synced.fetched === 0 ? "Up to date." : `Fetched ${synced.fetched}, ${synced.new} new.`}
              </span>
            )}
          </div>
        </>
      ) : (
        <form className="form" aria-label="Connect to a team relay" onSubmit={connect}>
          <label className="field field--wide">
            <span>Relay address</span>
            <input
              id="relay-url-input"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://relay.example.com"
              spellCheck={false}
              autoComplete="off"
            />
          </label>
          <label className="field field--wide">
            <span>Access token</span>
            <input
              id="relay-token-input"
              type="password"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              placeholder="wdr_…"
              spellCheck={false}
              autoComplete="off"
            />
          </label>
          <p className="hint">
            Ask whoever runs the relay for a token (<code>wabadesk-relay token create --name …</code>). It is checked with
            the relay, then kept in the system keyring.
          </p>
          <div className="form__actions">
            <button type="submit" id="relay-connect" className="primary" disabled={busy || !url.trim() || !token.trim()}>
              {busy ? "Connecting…" : "Connect"}
            </button>
          </div>
        </form>
      )}
      {error && <ErrorBanner error={error} />}
    </section>
  );
}

/** When the app tries again, as the time of day here. */
function timeOfDay(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleTimeString();
}

/** How the subscription is doing, in plain words; the raw text behind "Details". */
function RelayState({ status: s }: { status: RelayStatus }) {
  const state = s.problem ?? "connected";
  const details = s.problem_details;
  return (
    <div id="relay-state" className={state === "connected" ? "notice" : "warning-banner"} role="status" data-state={state}>
      {state === "connected" && (
        <p>
          <span className="badge badge--ok">Connected</span> History fills from the relay as events arrive.
        </p>
      )}
      {state === "unreachable" && (
        <p>
          <span className="badge badge--warn">Relay unreachable</span> The relay does not answer right now. History keeps
          working with everything stored here;{" "}
          {s.next_retry_at ? (
            <>
              the app tries again at <time id="relay-retry-at" dateTime={s.next_retry_at}>{timeOfDay(s.next_retry_at)}</time>
            </>
          ) : (
            "the app tries again shortly"
          )}{" "}
          and then catches up what arrived meanwhile.
        </p>
      )}
      {state === "token_rejected" && (
        <p>
          <span className="badge badge--bad">New token needed</span> The relay no longer accepts this computer&apos;s
          token: it was revoked, or the relay does not know it. Ask whoever runs the relay for a new one (
          <code>wabadesk-relay token create --name …</code>) and paste it below. History keeps everything stored so far.
        </p>
      )}
      {state === "failed" && (
        <p>
          <span className="badge badge--bad">Not caught up</span> {s.last_error ?? "Catching up from the relay failed."}{" "}
          The local copy keeps working; the app tries again
          {s.next_retry_at ? (
            <>
              {" "}
              at <time id="relay-retry-at" dateTime={s.next_retry_at}>{timeOfDay(s.next_retry_at)}</time>
            </>
          ) : null}
          .
        </p>
      )}
      {details && (
        <details>
          <summary>Details</summary>
          <pre className="raw-json">{details}</pre>
        </details>
      )}
    </div>
  );
}
