import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";

// Loaded by boot.ts after the static shell is painted; the first render replaces it.
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
