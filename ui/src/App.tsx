import { useEffect, useState } from "react";
import { ChosenNumberProvider } from "./lib/hooks/useChosenNumber";
import type { Preferences } from "./lib/ipc/bindings/Preferences";
import { openingLink } from "./lib/ipc/commands";
import { handleDrop } from "./lib/drop";
import { toIpcError } from "./lib/ipc/errors";
import { NumbersProvider, useNumbers } from "./lib/numbers";
import { PreferencesProvider, usePreferences } from "./lib/preferences";
import { DemoBanner, ProfileProvider, useProfile } from "./lib/profile";
import { SECTIONS, type SectionId, sectionFromHash, shortcutKey } from "./lib/sections";
import { applyTheme, rememberTheme } from "./lib/theme";
import { AuditPage } from "./pages/audit/AuditPage";
import { HistoryPage } from "./pages/history/HistoryPage";
import { InboxPage } from "./pages/inbox/InboxPage";
import { InsightsPage } from "./pages/insights/InsightsPage";
import { NumbersPage } from "./pages/numbers/NumbersPage";
import { OnboardingPage } from "./pages/onboarding/OnboardingPage";
import { PartnerPage } from "./pages/partner/PartnerPage";
import { SendPage } from "./pages/send/SendPage";
import { SettingsPage } from "./pages/settings/SettingsPage";
import { TemplatesPage } from "./pages/templates/TemplatesPage";
import { WebhookPage } from "./pages/webhook/WebhookPage";

function useSection(): SectionId {
  const [section, setSection] = useState<SectionId>(() => sectionFromHash(location.hash));
  useEffect(() => {
    const onHash = () => setSection(sectionFromHash(location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return section;
}

/** Ctrl/Cmd + 1…9 and 0 jump to a section. */
function useSectionShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const index = SECTIONS.findIndex((_, i) => shortcutKey(i) === e.key);
      if (index >= 0) {
        e.preventDefault();
        location.hash = `#/${SECTIONS[index].id}`;
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}

function showTheme(p: Preferences) {
  applyTheme(p.theme);
  rememberTheme(p.theme);
}

/** Marks the first render with the preferences applied (what the tests wait for). */
function markReady() {
  document.documentElement.dataset.ready = "true";
}

export function App() {
  return (
    <PreferencesProvider onChange={showTheme} onLoaded={markReady}>
      <ProfileProvider>
        <ProfileScope />
      </ProfileProvider>
    </PreferencesProvider>
  );
}

/** Everything that reads a profile's data, opened afresh when the app switches profiles. */
function ProfileScope() {
  const demo = useProfile().status?.demo ?? false;
  return (
    <NumbersProvider key={demo ? "demo" : "mine"}>
      <ChosenNumberProvider>
        <Shell />
      </ChosenNumberProvider>
    </NumbersProvider>
  );
}

/** Count of numbers whose key 360dialog rejected: shown on the sidebar. */
function SupersededBadge() {
  const { numbers } = useNumbers();
  const count = numbers?.filter((n) => n.key_state === "superseded").length ?? 0;
  if (!count) return null;
  return (
    <span
      className="sidebar__badge"
      id="numbers-badge"
      title={`${count} key(s) superseded: paste the new key`}
      aria-label={`${count} superseded key${count > 1 ? "s" : ""}`}
    >
      {count}
    </span>
  );
}

/** The opening link was asked for (see `Shell`). */
let linkAsked = false;

function Shell() {
  const section = useSection();
  useSectionShortcuts();
  const { preferences, put } = usePreferences();
  const demo = useProfile().status?.demo ?? false;
  const [dropNotice, setDropNotice] = useState<{ text: string; warn: boolean } | null>(null);

  useEffect(() => {
    // A template JSON or a captured webhook file dropped anywhere on the window (drop zones of
    // their own handle theirs first).
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (e.defaultPrevented || !file) return;
      e.preventDefault();
      handleDrop(file).then(
        (text) => setDropNotice({ text, warn: false }),
        (err) => setDropNotice({ text: `${file.name}: ${toIpcError(err).message}`, warn: true }),
      );
    };
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragover", over);
      window.removeEventListener("drop", drop);
    };
  }, []);

  useEffect(() => {
    // Once: a profile switch opens the shell again. (The first frame is reported by boot.ts.)
    if (linkAsked) return;
    linkAsked = true;
    // Started from a wabadesk:// link (the desktop entry, its actions): go to its view.
    openingLink().then(
      (route) => {
        if (route) location.hash = route;
      },
      () => {},
    );
  }, []);

  return (
    <div className={demo ? "shell shell--demo" : "shell"}>
      <a
        className="skip-link"
        href={`#/${section}`}
        onClick={(e) => {
          // The hash is the route: move focus instead of following the link.
          e.preventDefault();
          document.querySelector<HTMLElement>("main.page")?.focus();
        }}
      >
        Skip to content
      </a>
      <DemoBanner />
      {dropNotice && (
        <p
          className={`${dropNotice.warn ? "warning-banner" : "notice"} drop-notice`}
          id="drop-notice"
          role="status"
          onClick={() => setDropNotice(null)}
        >
          {dropNotice.text}
        </p>
      )}
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true">
            W
          </span>
          <span>WABA Desk</span>
        </div>
        <ul>
          {SECTIONS.map((s, i) => (
            <li key={s.id}>
              <a
                href={`#/${s.id}`}
                data-section={s.id}
                aria-current={section === s.id ? "page" : undefined}
                title={shortcutKey(i) ? `${s.label} (Ctrl+${shortcutKey(i)})` : s.label}
              >
                <span className="sidebar__icon" aria-hidden="true">
                  {s.icon}
                </span>
                <span className="sidebar__label">{s.label}</span>
                {s.id === "numbers" && <SupersededBadge />}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {section === "numbers" && <NumbersPage />}
      {section === "webhook" && <WebhookPage />}
      {section === "templates" && <TemplatesPage />}
      {section === "send" && <SendPage />}
      {section === "history" && <HistoryPage />}
      {section === "insights" && <InsightsPage />}
      {section === "inbox" && <InboxPage />}
      {section === "setup" && <OnboardingPage />}
      {section === "audit" && <AuditPage />}
      {section === "partner" && <PartnerPage />}
      {section === "settings" && (
        <SettingsPage preferences={preferences} onPreferences={put} />
      )}
    </div>
  );
}
