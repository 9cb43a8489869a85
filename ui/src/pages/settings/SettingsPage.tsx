import { type FormEvent, useEffect, useRef, useState } from "react";
import type { Environment } from "../../lib/ipc/bindings/Environment";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { Page } from "../../lib/components/Page";
import type { AppInfo } from "../../lib/ipc/bindings/AppInfo";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { Preferences } from "../../lib/ipc/bindings/Preferences";
import type { Theme } from "../../lib/ipc/bindings/Theme";
import { appInfo, setPreferences } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { usePreferences } from "../../lib/preferences";
import { ENVIRONMENTS } from "../numbers/NumberForm";
import { TeamRelay } from "./TeamRelay";

/** Where the local simulator listens unless Settings says otherwise. */
const SIMULATOR_DEFAULT = "http://127.0.0.1:8360";

/** The editable part of the preferences, as the form holds it (empty = not set). */
interface Form {
  default_environment: Environment | "";
  simulator: string;
  your_name: string;
  downloads_dir: string;
}

function formOf(p: Preferences): Form {
  return {
    default_environment: p.default_environment ?? "",
    simulator: p.base_urls?.simulator ?? "",
    your_name: p.your_name ?? "",
    downloads_dir: p.downloads_dir ?? "",
  };
}

/** The preferences with the form's values (an empty field clears its setting). */
function withForm(p: Preferences, f: Form): Preferences {
  const base_urls = { ...(p.base_urls ?? {}) };
  if (f.simulator.trim()) base_urls.simulator = f.simulator.trim();
  else delete base_urls.simulator;
  return {
    ...p,
    base_urls,
    default_environment: f.default_environment || null,
    your_name: f.your_name.trim() || null,
    downloads_dir: f.downloads_dir.trim() || null,
  };
}

const THEMES: { value: Theme; label: string }[] = [
  { value: "system", label: "Follow the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

export function SettingsPage(props: {
  preferences: Preferences;
  onPreferences: (p: Preferences) => void;
}) {
  const { save } = usePreferences();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [saveError, setSaveError] = useState<ErrorPayload | null>(null);
  const [form, setForm] = useState<Form>(() => formOf(props.preferences));
  const [formError, setFormError] = useState<ErrorPayload | null>(null);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);
  // Preferences that arrive later (read at start) fill the form, unless the user has started
  // typing in it: what they typed is kept.
  const edited = useRef(false);
  useEffect(() => {
    if (!edited.current) setForm(formOf(props.preferences));
  }, [props.preferences]);
  const edit = (patch: Partial<Form>) => {
    edited.current = true;
    setForm((f) => ({ ...f, ...patch }));
    setSaved(false);
  };

  async function saveForm(ev: FormEvent) {
    ev.preventDefault();
    setSaving(true);
    setFormError(null);
    setSaved(false);
    try {
      props.onPreferences(await setPreferences(withForm(props.preferences, form)));
      edited.current = false;
      setSaved(true);
    } catch (e) {
      setFormError(toIpcError(e));
    } finally {
      setSaving(false);
    }
  }

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
      // Applies at once, and a write of another preference that answers later cannot undo it.
      await save({ theme });
    } catch (e) {
      setSaveError(toIpcError(e));
    }
  }

  return (
    <Page id="settings" title="Settings" lead="Appearance, how you work, and facts about this installation.">
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

      <form className="card form" aria-label="Working preferences" onSubmit={saveForm}>
        <h2>Working preferences</h2>
        <label className="field">
          <span>Default environment for new numbers</span>
          <select
            id="settings-default-environment"
            value={form.default_environment}
            onChange={(e) => edit({ default_environment: e.target.value as Environment | "" })}
          >
            <option value="">The one used last</option>
            {ENVIRONMENTS.map((x) => (
              <option key={x.value} value={x.value}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field field--wide">
          <span>Simulator address</span>
          <input
            id="settings-simulator"
            value={form.simulator}
            onChange={(e) => edit({ simulator: e.target.value })}
            placeholder={SIMULATOR_DEFAULT}
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <p className="hint">
          Where simulator numbers without their own base URL are called. Takes effect the next time WABA
          Desk starts.
        </p>
        <label className="field">
          <span>Your name</span>
          <input id="settings-name" value={form.your_name} onChange={(e) => edit({ your_name: e.target.value })} autoComplete="name" />
        </label>
        <p className="hint">Named on your QA sign-offs, in their report and in the audit log.</p>
        <label className="field field--wide">
          <span>Downloads folder</span>
          <input
            id="settings-downloads"
            value={form.downloads_dir}
            onChange={(e) => edit({ downloads_dir: e.target.value })}
            placeholder="Your Downloads folder"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <p className="hint">Exports (history, audit log, templates, QA reports) are written here.</p>
        {formError && <ErrorBanner error={formError} />}
        <div className="form__actions">
          <button type="submit" id="settings-save" className="primary" disabled={saving}>
            {saving ? "Saving…" : "Save preferences"}
          </button>
          {saved && (
            <span role="status" className="notice">
              Saved.
            </span>
          )}
        </div>
      </form>

      <TeamRelay />

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
