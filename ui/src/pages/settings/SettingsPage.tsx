import { useEffect, useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { Page } from "../../lib/components/Page";
import type { AppInfo } from "../../lib/ipc/bindings/AppInfo";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { Preferences } from "../../lib/ipc/bindings/Preferences";
import type { Theme } from "../../lib/ipc/bindings/Theme";
import { appInfo, setPreferences } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";

const THEMES: { value: Theme; label: string }[] = [
  { value: "system", label: "Follow the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

export function SettingsPage(props: {
  preferences: Preferences;
  onPreferences: (p: Preferences) => void;
}) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [saveError, setSaveError] = useState<ErrorPayload | null>(null);

  useEffect(() => {
    let live = true;
    appInfo()
      .then((i) => live && setInfo(i))
      .catch((e) => live && setError(toIpcError(e)));
    return () => {
      live = false;
    };
  }, []);

  async function changeTheme(theme: Theme) {
    setSaveError(null);
    try {
      props.onPreferences(await setPreferences({ ...props.preferences, theme }));
    } catch (e) {
      setSaveError(toIpcError(e));
    }
  }

  return (
    <Page id="settings" title="Settings" lead="Appearance, and facts about this installation.">
      <section className="card" aria-labelledby="appearance-title">
        <h2 id="appearance-title">Appearance</h2>
        <label className="field">
          <span>Theme</span>
          <select
            id="theme-select"
            value={props.preferences.theme}
            onChange={(e) => changeTheme(e.target.value as Theme)}
          >
            {THEMES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        {saveError && <ErrorBanner error={saveError} />}
      </section>

      <section className="card" aria-labelledby="about-title">
        <h2 id="about-title">About</h2>
        {error && <ErrorBanner error={error} />}
        {!info && !error && <p aria-busy="true">Reading installation facts…</p>}
        {info && (
          <dl className="facts" id="about-facts">
            <dt>Version</dt>
            <dd id="about-version">{info.version}</dd>
            <dt>Data directory</dt>
            <dd id="about-data-dir" className="mono">
              {info.data_dir}
            </dd>
            <dt>Database</dt>
            <dd className="mono">{info.database.path}</dd>
            <dt>Schema version</dt>
            <dd id="about-schema-version" data-ok={info.database.ok}>
              {info.database.schema_version ?? "unknown"}
              <span className="muted"> of {info.database.latest_schema_version}</span>
              {!info.database.ok && <span className="badge badge--bad">{info.database.message}</span>}
            </dd>
            <dt>Created</dt>
            <dd>{info.database.created_at ?? "unknown"}</dd>
            <dt>Keyring</dt>
            <dd id="about-keyring" data-reachable={info.keyring.reachable}>
              {info.keyring.backend}:{" "}
              <span className={info.keyring.reachable ? "badge badge--ok" : "badge badge--bad"}>
                {info.keyring.reachable ? "ready" : "unavailable"}
              </span>
              {!info.keyring.reachable && <p className="hint">{info.keyring.message}</p>}
            </dd>
          </dl>
        )}
      </section>
    </Page>
  );
}
