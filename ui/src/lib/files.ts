// Files the user picks, before they go to the core: Meta's type and size limits checked first
// (the core checks again), the bytes read as base64 for the IPC call, sizes in plain words.
import type { MediaKind } from "./ipc/bindings/MediaKind";
import type { MediaType } from "./ipc/bindings/MediaType";
import { mediaTypes } from "./ipc/commands";

const KB = 1024;
const MB = 1024 * 1024;

/** "5 MB", "500 KB", "1.2 MB", "12 bytes" (as the core words them). */
export function humanSize(bytes: number): string {
  if (bytes >= MB) return bytes % MB === 0 ? `${bytes / MB} MB` : `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= KB) return `${Math.ceil(bytes / KB)} KB`;
  return `${bytes} bytes`;
}

let cached: Promise<MediaType[]> | null = null;
/** Meta's media types, asked of the core once. */
export function loadMediaTypes(): Promise<MediaType[]> {
  cached ??= mediaTypes().catch((e) => {
    cached = null;
    throw e;
  });
  return cached;
}

/** For tests: forget the cached list. */
export function resetMediaTypes() {
  cached = null;
}

/** What a picker takes: some kinds, and only the resumable upload's types when `sample`. */
export type Accepts = { kinds?: readonly MediaKind[]; sample?: boolean };

export function allowedTypes(types: readonly MediaType[], accepts: Accepts): MediaType[] {
  return types.filter((t) => (!accepts.kinds || accepts.kinds.includes(t.kind)) && (!accepts.sample || t.sample));
}

/** The `accept` attribute of a file input for these types. */
export function acceptAttr(types: readonly MediaType[]): string {
  return types.flatMap((t) => [t.mime, ...t.extensions.map((e) => `.${e}`)]).join(",");
}

/** "JPEG, PNG" from the allowed types' endings. */
export function typeWords(types: readonly MediaType[]): string {
  return [...new Set(types.map((t) => t.extensions[0].toUpperCase()))].join(", ");
}

/** The problem with a picked file, in plain words, or null when Meta takes it. */
export function checkFile(name: string, size: number, allowed: readonly MediaType[]): string | null {
  const ext = name.includes(".") ? name.split(".").pop()!.toLowerCase() : "";
  const t = allowed.find((x) => x.extensions.includes(ext));
  if (!t) return `${name} cannot be used here: pick ${typeWords(allowed)}`;
  if (size === 0) return `${name} is empty`;
  if (size > t.max_bytes) return `${name} is ${humanSize(size)}; WhatsApp takes ${t.mime} files of at most ${humanSize(t.max_bytes)}`;
  return null;
}

/** A file's bytes as base64 (without the data: prefix). */
export function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const url = String(r.result ?? "");
      resolve(url.slice(url.indexOf(",") + 1));
    };
    r.onerror = () => reject(r.error ?? new Error("the file could not be read"));
    r.readAsDataURL(file);
  });
}
