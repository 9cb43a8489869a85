import { useState } from "react";
import { ErrorBanner } from "../../../lib/components/ErrorBanner";
import { FilePick, UploadBar } from "../../../lib/components/FilePick";
import type { ErrorPayload } from "../../../lib/ipc/bindings/ErrorPayload";
import type { MediaKind } from "../../../lib/ipc/bindings/MediaKind";
import type { UploadProgress } from "../../../lib/ipc/bindings/UploadProgress";
import { uploadSample } from "../../../lib/ipc/commands";
import { toIpcError } from "../../../lib/ipc/errors";
import { readBase64 } from "../../../lib/files";
import { rememberSample } from "../../../lib/samplePreviews";

const KIND: Record<string, MediaKind> = { IMAGE: "image", VIDEO: "video", DOCUMENT: "document" };
const WORDS: Record<string, string> = {
  IMAGE: "a JPEG or PNG image up to 5 MB",
  VIDEO: "an MP4 video up to 16 MB",
  DOCUMENT: "a PDF up to 100 MB",
};

/**
 * The sample of an image, video or document header: the user picks a file, it is uploaded with
 * the resumable upload (a progress bar; an interrupted transfer resumes by itself) and its handle
 * fills in. The handle stays editable, to paste one uploaded elsewhere.
 */
export function HeaderSample(props: {
  numberId: number;
  format: string;
  handle: string;
  onHandle: (handle: string) => void;
  /** The core's lint problems at the handle (`header.handle`, `cards[1].header.handle`). */
  issues?: string[];
  /** Where the lint problems belong, as the core names it. */
  at?: string;
  /** The ids' stem: `tpl-header` gives `tpl-header-file`, `-progress`, `-uploaded`, `-handle`. */
  idBase?: string;
  label?: string;
}) {
  const base = props.idBase ?? "tpl-header";
  const [fileName, setFileName] = useState<string | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [uploaded, setUploaded] = useState<string | null>(null);

  async function pick(file: File) {
    setFileName(file.name);
    setProgress(null);
    setError(null);
    setUploaded(null);
    setUploading(true);
    try {
      const data = await readBase64(file);
      // A report from an earlier transfer (fewer resumes) arriving late is stale: keep the newer.
      const up = await uploadSample(props.numberId, file.name, data, props.format, (p) =>
        setProgress((prev) => (prev && p.resumes < prev.resumes ? prev : p)),
      );
      rememberSample(up.handle, file);
      props.onHandle(up.handle);
      setUploaded(up.file_name);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setUploading(false);
    }
  }

  const fileError = error?.field === "file" ? error.message : null;
  const issues = props.issues ?? [];
  return (
    <div className="field field--wide header-sample">
      <FilePick
        id={`${base}-file`}
        label="Sample file"
        accepts={{ kinds: [KIND[props.format] ?? "image"], sample: true }}
        disabled={uploading}
        error={fileError}
        hint={`Meta reviews the template with a sample: pick ${WORDS[props.format] ?? "a file"}.`}
        onPick={pick}
      />
      {uploading && fileName && <UploadBar id={`${base}-progress`} progress={progress} fileName={fileName} />}
      {uploaded && !uploading && (
        <p className="notice" role="status" id={`${base}-uploaded`}>
          {uploaded} uploaded; its handle is filled in.
        </p>
      )}
      {error && !fileError && <ErrorBanner error={error} />}
      <label className="field">
        <span>{props.label ?? "Sample handle"}</span>
        <input id={`${base}-handle`} value={props.handle} spellCheck={false} placeholder="4::…" onChange={(e) => props.onHandle(e.target.value)} />
      </label>
      {issues.length > 0 ? (
        <p className="field-error" role="alert" data-field={props.at ?? "header.handle"}>
          {issues.join(" · ")}
        </p>
      ) : (
        <p className="hint">Filled in by the upload; or paste the 4::… handle of a sample uploaded elsewhere.</p>
      )}
    </div>
  );
}
