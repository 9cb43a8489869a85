import { useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { FilePick, UploadBar } from "../../lib/components/FilePick";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import { forgetMedia, mediaLibrary, uploadMedia } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useLoad } from "../../lib/hooks/useLoad";
import { humanSize, readBase64 } from "../../lib/files";

/**
 * A number's media library: files uploaded for messages, with their media ids (to reuse in test
 * sends) and when Meta stops keeping them (30 days after the upload).
 */
export function MediaLibrary(props: { numberId: number }) {
  const library = useLoad(() => mediaLibrary(props.numberId), [props.numberId], ["media"]);
  const [uploading, setUploading] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  async function pick(file: File) {
    setUploading(file.name);
    setError(null);
    try {
      await uploadMedia(props.numberId, file.name, await readBase64(file));
      await library.reload();
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setUploading(null);
    }
  }

  async function forget(id: number) {
    setError(null);
    try {
      await forgetMedia(props.numberId, id);
      await library.reload();
    } catch (e) {
      setError(toIpcError(e));
    }
  }

  const files = library.data ?? [];
  const fileError = error?.field === "file" ? error.message : null;
  return (
    <section className="card" aria-labelledby="media-title" id="media-library">
      <h2 id="media-title">Media library</h2>
      <p className="hint">Files uploaded for messages. A test send takes one by its media id until it expires.</p>
      <FilePick id="media-upload" label="Upload a file" accepts={{}} disabled={uploading !== null} error={fileError} onPick={pick} />
      {uploading && <UploadBar id="media-upload-progress" progress={null} fileName={uploading} />}
      {error && !fileError && <ErrorBanner error={error} />}
      {library.error && <ErrorBanner error={library.error} />}
      {files.length === 0 ? (
        <p className="hint" id="media-empty">
          Nothing uploaded for this number yet.
        </p>
      ) : (
        <table className="table" id="media-table">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Type</th>
              <th scope="col">Size</th>
              <th scope="col">Media id</th>
              <th scope="col">Uploaded</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.id} className={f.expired ? "expired" : undefined}>
                <td>{f.file_name}</td>
                <td className="mono">{f.mime_type}</td>
                <td>{humanSize(f.size)}</td>
                <td className="mono">{f.media_id}</td>
                <td>{f.uploaded_at.slice(0, 10)}</td>
                <td>{f.expired ? <strong>expired {f.expires_at.slice(0, 10)}</strong> : f.expires_at.slice(0, 10)}</td>
                <td>
                  <button type="button" onClick={() => forget(f.id)} aria-label={`Forget ${f.file_name}`}>
                    Forget
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
