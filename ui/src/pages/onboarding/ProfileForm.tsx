import { type FormEvent, useEffect, useMemo, useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { BusinessProfileFields } from "../../lib/ipc/bindings/BusinessProfileFields";
import type { BusinessProfileInput } from "../../lib/ipc/bindings/BusinessProfileInput";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { ProfileCheck } from "../../lib/ipc/bindings/ProfileCheck";
import type { Vertical } from "../../lib/ipc/bindings/Vertical";
import { checkBusinessProfile, getBusinessProfile, setBusinessProfile } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useLoad } from "../../lib/hooks/useLoad";
import { LIMITS, VOCABULARY } from "../../lib/vocabulary";
import { type PickedPhoto, ProfilePhoto } from "./ProfilePhoto";

interface Draft {
  about: string;
  description: string;
  address: string;
  email: string;
  website1: string;
  website2: string;
  vertical: string;
}

function draftOf(p: BusinessProfileFields): Draft {
  return {
    about: p.about ?? "",
    description: p.description ?? "",
    address: p.address ?? "",
    email: p.email ?? "",
    website1: p.websites[0] ?? "",
    website2: p.websites[1] ?? "",
    vertical: p.vertical && p.vertical !== "UNDEFINED" ? p.vertical : "",
  };
}

/** Only what the user changed goes in the input: untouched fields stay as they are. */
export function inputOf(current: BusinessProfileFields, d: Draft): BusinessProfileInput {
  const was = draftOf(current);
  const input: BusinessProfileInput = {};
  if (d.about !== was.about) input.about = d.about;
  if (d.description !== was.description) input.description = d.description;
  if (d.address !== was.address) input.address = d.address;
  if (d.email !== was.email) input.email = d.email;
  if (d.website1 !== was.website1 || d.website2 !== was.website2) {
    input.websites = [d.website1, d.website2].filter((w) => w.trim() !== "");
  }
  if (d.vertical !== was.vertical && d.vertical !== "") input.vertical = d.vertical as Vertical;
  return input;
}

const FIELD_LABELS: Record<string, string> = {
  about: "About",
  description: "Description",
  address: "Address",
  email: "Email",
  websites: "Websites",
  vertical: "Industry",
  photo: "Photo",
};

/** The business profile: every limit checked at its field as the user types, the change shown
 * as a diff before it is saved (audited). */
export function ProfileForm({ id }: { id: number }) {
  const loaded = useLoad(() => getBusinessProfile(id), [id], []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [check, setCheck] = useState<ProfileCheck | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [photo, setPhoto] = useState<PickedPhoto | null>(null);
  const [savedPhoto, setSavedPhoto] = useState<string | null>(null);
  const current = loaded.data?.profile ?? null;

  useEffect(() => {
    if (current) setDraft(draftOf(current));
  }, [current]);

  const input = useMemo(
    () => (current && draft ? { ...inputOf(current, draft), ...(photo && { profile_picture_handle: photo.handle }) } : null),
    [current, draft, photo],
  );

  useEffect(() => {
    if (!current || !input) return;
    let live = true;
    const t = setTimeout(() => {
      checkBusinessProfile(current, input)
        .then((c) => live && setCheck(c))
        .catch((e) => live && setError(toIpcError(e)));
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [current, input]);

  const problemsAt = (field: string) => check?.problems.filter((p) => p.field === field) ?? [];
  const bad = (check?.problems.length ?? 0) > 0;
  const changes = check?.changes ?? [];

  async function save(ev: FormEvent) {
    ev.preventDefault();
    if (!input) return;
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      const v = await setBusinessProfile(id, input);
      loaded.setData(v);
      if (photo) setSavedPhoto(photo.preview);
      setPhoto(null);
      setSaved(true);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setSaving(false);
    }
  }

  const set = (k: keyof Draft) => (e: { target: { value: string } }) => {
    setSaved(false);
    setDraft((d) => (d ? { ...d, [k]: e.target.value } : d));
  };

  function Field(props: { name: keyof Draft; field: string; label: string; max?: number; long?: boolean; type?: string }) {
    const value = draft?.[props.name] ?? "";
    const problems = problemsAt(props.field);
    const errId = `profile-${props.name}-problem`;
    return (
      <label className="field">
        <span>
          {props.label}
          {props.max !== undefined && (
            <span className="muted" data-count-for={props.name}>
              {" "}
              {[...value].length}/{props.max}
            </span>
          )}
        </span>
        {props.long ? (
          <textarea
            id={`profile-${props.name}`}
            value={value}
            onChange={set(props.name)}
            rows={3}
            aria-invalid={problems.length > 0}
            aria-describedby={problems.length ? errId : undefined}
          />
        ) : (
          <input
            id={`profile-${props.name}`}
            type={props.type ?? "text"}
            value={value}
            onChange={set(props.name)}
            aria-invalid={problems.length > 0}
            aria-describedby={problems.length ? errId : undefined}
          />
        )}
        {problems.length > 0 && (
          <span className="field__error" id={errId} role="alert">
            {problems.map((p) => p.message).join("; ")}
          </span>
        )}
      </label>
    );
  }

  return (
    <section className="card" id="setup-profile" aria-labelledby="setup-profile-title">
      <h2 id="setup-profile-title">
        Business profile{" "}
        {loaded.data && (
          <span className="muted" id="profile-complete">
            {loaded.data.complete ? "complete" : `still empty: ${loaded.data.missing.map((m) => FIELD_LABELS[m] ?? m).join(", ")}`}
          </span>
        )}
      </h2>
      {loaded.error && <ErrorBanner error={loaded.error} />}
      {error && <ErrorBanner error={error} />}
      {draft && current && (
        <form onSubmit={save} className="form" id="profile-form">
          <ProfilePhoto numberId={id} currentUrl={current.profile_picture_url ?? null} picked={photo} savedPreview={savedPhoto} onPicked={(p) => { setSaved(false); setPhoto(p); }} />
          {Field({ name: "about", field: "about", label: "About", max: LIMITS.profile_about_max })}
          {Field({ name: "description", field: "description", label: "Description", max: LIMITS.profile_description_max, long: true })}
          {Field({ name: "address", field: "address", label: "Address", max: LIMITS.profile_address_max })}
          {Field({ name: "email", field: "email", label: "Email", max: LIMITS.profile_email_max, type: "email" })}
          {Field({ name: "website1", field: "websites", label: "Website", max: LIMITS.profile_website_max })}
          {Field({ name: "website2", field: "__none", label: "Second website", max: LIMITS.profile_website_max })}
          <label className="field">
            <span>Industry</span>
            <select
              id="profile-vertical"
              value={draft.vertical}
              onChange={set("vertical")}
              aria-invalid={problemsAt("vertical").length > 0}
            >
              <option value="" disabled={draft.vertical !== "" || (current.vertical ?? "") !== ""}>
                Choose an industry…
              </option>
              {VOCABULARY.verticals
                .filter((v) => v.value !== "UNDEFINED")
                .map((v) => (
                  <option key={v.value} value={v.value}>
                    {v.label}
                  </option>
                ))}
            </select>
            <span className="hint">Once set, WhatsApp does not let the industry be cleared.</span>
            {problemsAt("vertical").length > 0 && (
              <span className="field__error" role="alert">
                {problemsAt("vertical").map((p) => p.message).join("; ")}
              </span>
            )}
          </label>
          {changes.length > 0 && (
            <div className="diff" id="profile-diff" aria-label="What will change">
              <h3>What will change</h3>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Now</th>
                    <th scope="col">After saving</th>
                  </tr>
                </thead>
                <tbody>
                  {changes.map((c) => (
                    <tr key={c.field} data-field={c.field}>
                      <td>{FIELD_LABELS[c.field] ?? c.field}</td>
                      <td className="diff__before">{c.before || <span className="muted">(empty)</span>}</td>
                      <td className="diff__after">{c.after || <span className="muted">(empty)</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="actions">
            <button type="submit" id="profile-save" disabled={saving || bad || changes.length === 0}>
              {saving ? "Saving…" : "Save profile"}
            </button>
            {saved && (
              <span role="status" id="profile-saved">
                Saved
              </span>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
