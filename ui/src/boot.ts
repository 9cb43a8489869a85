// The UI's entry. The page already holds the window's first page as plain HTML (the static
// shell, see lib/staticShell.ts) and its stylesheet; this marks the current section, reports the
// first painted frame (the start-up benchmark waits for that log line), and only then loads the
// rest of the UI (main.tsx), which replaces the shell when it renders.
import { uiReady } from "./lib/ipc/commands";
import { sectionFromHash } from "./lib/sections";
import { markStaticSection } from "./lib/staticShell";
import { applyRememberedTheme } from "./lib/theme";
import "./styles.css";

applyRememberedTheme();
markStaticSection(document, sectionFromHash(location.hash));
// Painted after two animation frames.
requestAnimationFrame(() =>
  requestAnimationFrame(() => {
    void uiReady(Math.round(performance.now())).catch(() => {});
    void import("./main");
  }),
);
