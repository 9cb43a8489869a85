// The one typed entry point to the Rust side. Pages import from here, never from
// @tauri-apps/api directly. Types come from ./bindings, generated from the Rust types.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { AuditFilter } from "./bindings/AuditFilter";
import type { NumberInput } from "./bindings/NumberInput";
import type { NumberView } from "./bindings/NumberView";
import type { Preferences } from "./bindings/Preferences";
import type { VerifyOutcome } from "./bindings/VerifyOutcome";
import type { VerifyProgress } from "./bindings/VerifyProgress";
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

export const listNumbers = () => call<NumberView[]>("list_numbers");
export const addNumber = (input: NumberInput) => call<NumberView>("add_number", { input });
export const updateNumber = (id: number, input: NumberInput) =>
  call<NumberView>("update_number", { id, input });
export const removeNumber = (id: number) => call<void>("remove_number", { id });
/** The key goes in once and never comes back: the answer carries only its mask. */
export const setKey = (id: number, key: string, verify: boolean) =>
  call<NumberView>("set_key", { id, key, verify });
export const verifyKey = (id: number) => call<NumberView>("verify_key", { id });
export const removeKey = (id: number) => call<NumberView>("remove_key", { id });
export function verifyAll(onProgress: (p: VerifyProgress) => void) {
  const channel = new Channel<VerifyProgress>();
  channel.onmessage = onProgress;
  return call<VerifyOutcome[]>("verify_all", { onProgress: channel });
}
export const keyHistory = (id: number) => call<AuditEntry[]>("key_history", { id });
export const listAudit = (filter: AuditFilter) => call<AuditEntry[]>("list_audit", { filter });
export const exportAuditCsv = (filter: AuditFilter) =>
  call<string>("export_audit_csv", { filter });
