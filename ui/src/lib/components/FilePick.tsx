import { type DragEvent, useEffect, useState } from "react";
import type { MediaType } from "../ipc/bindings/MediaType";
import type { UploadProgress } from "../ipc/bindings/UploadProgress";
import { type Accepts, acceptAttr, allowedTypes, checkFile, humanSize, loadMediaTypes, typeWords } from "../files";

/**
 * A file picker (an ordinary file input, also a drop zone) that checks Meta's type and size
 * limits before handing the file on. `error` is a problem the caller found with the file (the
 * core's answer at the `file` field); it shows at the picker like the picker's own.
 */
export function FilePick(props: {
  id: string;
  label: string;
  accepts: Accepts;
  disabled?: boolean;
  error?: string | null;
  hint?: string;
  onPick: (file: File) => void;
}) {
  const [types, setTypes] = useState<MediaType[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  useEffect(() => {
    let live = true;
    loadMediaTypes().then(
      (t) => live && setTypes(t),
      () => live && setTypes([]),
    );
    return () => {
      live = false;
    };
  }, []);
  const allowed = types ? allowedTypes(types, props.accepts) : [];

  function take(file: File | undefined) {
    if (!file) return;
    const p = allowed.length > 0 ? checkFile(file.name, file.size, allowed) : null;
    setProblem(p);
    if (!p) props.onPick(file);
  }

  function drop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    if (!props.disabled) take(e.dataTransfer.files[0]);
  }

  const shown = problem ?? props.error ?? null;
  return (
    <div
      className={over ? "file-pick file-pick--over" : "file-pick"}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <label className="field">
        <span>{props.label}</span>
        <input
          id={props.id}
          type="file"
          accept={allowed.length > 0 ? acceptAttr(allowed) : undefined}
          disabled={props.disabled}
          aria-invalid={shown ? true : undefined}
          onChange={(e) => {
            take(e.target.files?.[0]);
            e.target.value = "";
          }}
        />
      </label>
      {shown ? (
        <p className="field-error" role="alert" data-field="file" id={`${props.id}-error`}>
          {shown}
        </p>
      ) : (
        <p className="hint">
          {props.hint ?? (allowed.length > 0 ? `Choose or drop a file: ${typeWords(allowed)}.` : "Choose or drop a file.")}
        </p>
      )}
    </div>
  );
}

/** An upload's progress: a bar and "120 KB of 400 KB", with the resumes after interruptions. */
export function UploadBar(props: { id: string; progress: UploadProgress | null; fileName: string }) {
  const p = props.progress;
  const resumed = p && p.resumes > 0 ? ` — the connection was interrupted; resumed ${p.resumes === 1 ? "once" : `${p.resumes} times`}` : "";
  return (
    <div className="upload-bar" id={props.id} role="status">
      <progress max={p?.total || 1} value={p?.sent ?? 0} aria-label={`Uploading ${props.fileName}`} />
      <span className="hint">
        Uploading {props.fileName}
        {p ? `: ${humanSize(p.sent)} of ${humanSize(p.total)}` : "…"}
        {resumed}
      </span>
    </div>
  );
}
