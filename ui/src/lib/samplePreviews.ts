// Media samples uploaded in this window, by their handle: the preview shows the picture the user
// picked instead of a placeholder. Only in memory (object URLs of the picked files, which the
// CSP allows as `blob:`); a handle pasted from elsewhere or a reopened draft shows the placeholder.
import { useSyncExternalStore } from "react";

const urls = new Map<string, { url: string; name: string; type: string }>();
const listeners = new Set<() => void>();
const LIMIT = 32;

export function rememberSample(handle: string, file: Blob & { name?: string }) {
  if (!handle) return;
  const old = urls.get(handle);
  if (old) URL.revokeObjectURL(old.url);
  urls.set(handle, { url: URL.createObjectURL(file), name: file.name ?? "", type: file.type });
  // Keep the newest few: each holds the file's bytes.
  while (urls.size > LIMIT) {
    const [first, entry] = urls.entries().next().value as [string, { url: string }];
    URL.revokeObjectURL(entry.url);
    urls.delete(first);
  }
  for (const l of listeners) l();
}

export function samplePreview(handle: string | undefined | null) {
  return handle ? (urls.get(handle) ?? null) : null;
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useSamplePreview(handle: string | undefined | null) {
  return useSyncExternalStore(subscribe, () => samplePreview(handle));
}
