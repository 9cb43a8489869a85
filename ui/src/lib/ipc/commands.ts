// The one typed entry point to the Rust side. Pages import from here, never from
// @tauri-apps/api directly. Types come from ./bindings, generated from the Rust types.
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { Preferences } from "./bindings/Preferences";
import { toIpcError } from "./errors";

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export const appInfo = () => call<AppInfo>("app_info");
export const getPreferences = () => call<Preferences>("get_preferences");
export const setPreferences = (preferences: Preferences) =>
  call<Preferences>("set_preferences", { preferences });
