import { useState } from "react";
import type { ErrorPayload } from "../ipc/bindings/ErrorPayload";
import type { MediaKind } from "../ipc/bindings/MediaKind";
import { mediaLibrary, uploadMedia } from "../ipc/commands";
import { toIpcError } from "../ipc/errors";
import { useLoad } from "../hooks/useLoad";
import { humanSize, readBase64 } from "../files";
import { ErrorBanner } from "./ErrorBanner";
import { FilePick, UploadBar } from "./FilePick";

/**
 * A media value for a send: an https link or a media id, typed, picked from the number's media
 * library (files not yet expired, of the kind asked for) or uploaded here (it joins the library).
 */
export function MediaField(props: {
  numberId: number;
  id: string;
  label: string;
  kind: MediaKind;
  value: string;
  onChange: (value: string) => void;
}) {
  const library = useLoad(() => mediaLibrary(props.numberId), [props.numberId], ["media"]);
  const usable = (library.data ?? []).filter((f) => !f.expired && f.kind === props.kind);
  const [uploading, setUploading] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  async function pick(file: File) {
    setUploading(file.name);
    setError(null);
    try {
      const f = await uploadMedia(props.numberId, file.name, await readBase64(file));
      props.onChange(f.media_id);
      library.setData((prev) => [f, ...(prev ?? []).filter((x) => x.id !== f.id)]);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setUploading(null);
    }
  }

  const fileError = error?.field === "file" ? error.message : null;
  return (
    <div className="field field--wide media-field">
      <label className="field">
        <span>{props.label}</span>
        <input id={props.id} value={props.value} spellCheck={false} placeholder="https://… or a media id" onChange={(e) => props.onChange(e.target.value)} />
      </label>
      {usable.length > 0 && (
        <label className="field">
          <span>From the media library</span>
          <select id={`${props.id}-library`} value={usable.some((f) => f.media_id === props.value) ? props.value : ""} onChange={(e) => e.target.value && props.onChange(e.target.value)}>
            <option value="">Choose an uploaded file…</option>
            {usable.map((f) => (
              <option key={f.id} value={f.media_id}>
                {f.file_name} · {humanSize(f.size)} · expires {f.expires_at.slice(0, 10)}
              </option>
            ))}
          </select>
        </label>
      )}
      <FilePick id={`${props.id}-file`} label="Or upload a file" accepts={{ kinds: [props.kind] }} disabled={uploading !== null} error={fileError} onPick={pick} />
      {uploading && <UploadBar id={`${props.id}-progress`} progress={null} fileName={uploading} />}
      {error && !fileError && <ErrorBanner error={error} />}
    </div>
  );
}
