import { useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { FilePick, UploadBar } from "../../lib/components/FilePick";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { UploadProgress } from "../../lib/ipc/bindings/UploadProgress";
import { uploadSample } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { readBase64 } from "../../lib/files";

/** A photo picked and uploaded, waiting to be saved with the profile. */
export type PickedPhoto = { handle: string; fileName: string; preview: string };

/**
 * The profile photo: the user picks (or drops) a JPEG or PNG, it is checked and uploaded with the
 * resumable upload (a progress bar; a cut transfer resumes by itself), and the new photo is shown
 * cropped to a circle as WhatsApp shows it. It is set when the profile is saved.
 */
export function ProfilePhoto(props: {
  numberId: number;
  currentUrl: string | null;
  /** A photo picked and uploaded, not saved yet. */
  picked: PickedPhoto | null;
  /** The local picture of the photo saved last in this window, if any. */
  savedPreview?: string | null;
  onPicked: (p: PickedPhoto | null) => void;
}) {
  const [fileName, setFileName] = useState<string | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const preview = props.picked?.preview ?? props.savedPreview ?? null;

  async function pick(file: File) {
    setFileName(file.name);
    setProgress(null);
    setError(null);
    props.onPicked(null);
    try {
      const up = await uploadSample(props.numberId, file.name, await readBase64(file), "IMAGE", (p) =>
        setProgress((prev) => (prev && p.resumes < prev.resumes ? prev : p)),
      );
      props.onPicked({ handle: up.handle, fileName: up.file_name, preview: URL.createObjectURL(file) });
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setFileName(null);
    }
  }

  // Pictures from other sites are not loaded (the window's content policy): a photo set here is
  // shown from the file picked; one set elsewhere is named by its address.
  const shown = preview;
  const fileError = error?.field === "file" ? error.message : null;
  return (
    <div className="photo" id="profile-photo">
      <span className="field__label">Photo</span>
      {shown ? (
        // Cropped to a circle, as WhatsApp shows it.
        <img className="photo__preview" id="profile-photo-preview" src={shown} alt={props.picked ? "The new profile photo" : "The profile photo"} />
      ) : (
        <span className="photo__none muted">{props.currentUrl ? "Photo set" : "No photo"}</span>
      )}
      {props.currentUrl && !props.picked && (
        <span className="mono muted photo__url" id="profile-photo-url">
          {props.currentUrl}
        </span>
      )}
      <div className="photo__picker" id="profile-photo-picker">
        <FilePick
          id="profile-photo-file"
          label={props.currentUrl || preview ? "Change the photo" : "Choose a photo"}
          accepts={{ kinds: ["image"], sample: true }}
          disabled={fileName !== null}
          error={fileError}
          hint="A JPEG or PNG up to 5 MB; WhatsApp shows it in a circle, so keep the subject in the middle."
          onPick={pick}
        />
        {fileName && <UploadBar id="profile-photo-progress" progress={progress} fileName={fileName} />}
        {props.picked && (
          <p className="notice" role="status" id="profile-photo-uploaded">
            {props.picked.fileName} uploaded; it becomes the profile photo when you save.{" "}
            <button type="button" className="link" onClick={() => props.onPicked(null)}>
              Keep the current photo
            </button>
          </p>
        )}
        {error && !fileError && <ErrorBanner error={error} />}
      </div>
    </div>
  );
}
