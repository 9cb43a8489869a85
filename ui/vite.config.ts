import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { STATIC_SHELL_MARK, staticShellHtml } from "./src/lib/staticShell";

// The UI is a plain SPA served by Tauri from ui/dist (no SSR). React's JSX is compiled by
// Vite itself (automatic runtime); no framework plugin is needed.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  clearScreen: false,
  // The window's first page (sidebar and page frame) is plain HTML in index.html, so the webview
  // paints it before any script runs; built from the same sections as the app's sidebar.
  plugins: [
    {
      name: "static-shell",
      transformIndexHtml: (html) => html.replace(STATIC_SHELL_MARK, staticShellHtml()),
    },
  ],
  oxc: { jsx: { runtime: "automatic" } },
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    // No inline scripts or styles: the CSP forbids them.
    assetsInlineLimit: 0,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    setupFiles: ["src/test-setup.ts"],
    testTimeout: 20000,
  },
});
