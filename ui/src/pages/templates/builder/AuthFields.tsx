import type { ButtonDraft } from "../../../lib/ipc/bindings/ButtonDraft";
import { newButton } from "../../../lib/templates";
import { authenticationBody, LIMITS } from "../../../lib/vocabulary";
import { buttonKindLabel, Field, Issues, type PartProps } from "./fields";

type App = { package_name: string; signature_hash: string };

/** The apps a one-tap or zero-tap button fills in (`supported_apps`, or the older single pair). */
export function appsOf(b: ButtonDraft): App[] {
  const list = b.extra["supported_apps"];
  if (Array.isArray(list)) return list.map((a) => ({ package_name: String(a?.package_name ?? ""), signature_hash: String(a?.signature_hash ?? "") }));
  const pkg = b.extra["package_name"];
  const hash = b.extra["signature_hash"];
  if (typeof pkg === "string" || typeof hash === "string") return [{ package_name: String(pkg ?? ""), signature_hash: String(hash ?? "") }];
  return [];
}

/** The button with its apps as `supported_apps` (the older pair is folded in). */
function withApps(b: ButtonDraft, apps: App[]): ButtonDraft {
  const extra = { ...b.extra };
  delete extra["package_name"];
  delete extra["signature_hash"];
  return { ...b, extra: { ...extra, supported_apps: apps } };
}

/**
 * Authentication templates: Meta's preset text. The builder chooses the security line, the
 * code expiry (1–90 minutes) and the one-time-password button: copy code, one-tap autofill or
 * zero-tap, with the Android apps it fills in.
 */
export function AuthFields({ draft, set, issues }: PartProps) {
  const otpIndex = draft.buttons.findIndex((b) => b.kind === "OTP");
  const otp = otpIndex >= 0 ? draft.buttons[otpIndex] : null;
  const setOtp = (patch: Partial<ButtonDraft>) => set({ buttons: draft.buttons.map((b, i) => (i === otpIndex ? { ...b, ...patch } : b)) });
  const setExtra = (key: string, value: unknown) => otp && setOtp({ extra: { ...otp.extra, [key]: value } });
  const apps = otp ? appsOf(otp) : [];
  const setApps = (next: App[]) => otp && set({ buttons: draft.buttons.map((b, i) => (i === otpIndex ? withApps(b, next) : b)) });
  const tap = otp && ["ONE_TAP", "ZERO_TAP"].includes(otp.otp_type);
  const others = draft.buttons.map((b, i) => ({ b, i })).filter(({ b }) => b.kind !== "OTP");
  const at = `buttons[${otpIndex}]`;
  return (
    <>
      {draft.header.format !== "NONE" && draft.header.format !== "" && (
        <div className="warning-banner">
          <p>Authentication templates have no header; Meta writes their text.</p>
          <Issues at="header.format" issues={issues} />
          <button type="button" id="tpl-auth-remove-header" onClick={() => set({ header: { ...draft.header, format: "NONE" } })}>
            Remove the header
          </button>
        </div>
      )}
      <fieldset>
        <legend>Body</legend>
        <p className="hint">Meta writes the body of authentication templates: “{authenticationBody(false).replace(/\*[^*]+\*/, "{{1}}")}”</p>
        <label className="checkbox">
          <input id="tpl-security" type="checkbox" checked={draft.add_security_recommendation} onChange={(e) => set({ add_security_recommendation: e.target.checked })} />
          Add “For your security, do not share this code.”
        </label>
        <Issues at="body" issues={issues} />
      </fieldset>
      <fieldset>
        <legend>Footer</legend>
        <Field label="Code expires after (minutes, optional)" at="footer" issues={issues} hint={`${LIMITS.code_expiration_min}–${LIMITS.code_expiration_max} minutes; Meta adds “This code expires in N minutes.”`}>
          <input
            id="tpl-expiry"
            type="number"
            min={LIMITS.code_expiration_min}
            max={LIMITS.code_expiration_max}
            value={draft.code_expiration_minutes ?? ""}
            onChange={(e) => set({ code_expiration_minutes: e.target.value ? Number(e.target.value) : null })}
          />
        </Field>
      </fieldset>
      <fieldset>
        <legend>One-time password button</legend>
        <Issues at="buttons" issues={issues} />
        {!otp ? (
          <button type="button" id="tpl-add-otp" onClick={() => set({ buttons: [...draft.buttons, { ...newButton("OTP"), text: "Copy code" }] })}>
            Add the one-time password button
          </button>
        ) : (
          <div className="form__grid">
            <Field label="Password type" at={`${at}.otp_type`} issues={issues}>
              <select id="tpl-otp-type" value={otp.otp_type} onChange={(e) => setOtp({ otp_type: e.target.value })}>
                {!["COPY_CODE", "ONE_TAP", "ZERO_TAP"].includes(otp.otp_type) && <option value={otp.otp_type}>{otp.otp_type || "—"}</option>}
                <option value="COPY_CODE">Copy code</option>
                <option value="ONE_TAP">One-tap autofill</option>
                <option value="ZERO_TAP">Zero-tap</option>
              </select>
            </Field>
            <Field label="Button label" at={`${at}.text`} issues={issues}>
              <input id="tpl-otp-text" value={otp.text} placeholder="Copy code" onChange={(e) => setOtp({ text: e.target.value })} />
            </Field>
            {tap && (
              <Field label="Autofill label (optional)" at={`${at}.autofill_text`} issues={issues}>
                <input id="tpl-otp-autofill" value={String(otp.extra["autofill_text"] ?? "")} placeholder="Autofill" onChange={(e) => setExtra("autofill_text", e.target.value)} />
              </Field>
            )}
          </div>
        )}
        {otp && tap && (
          <div className="field field--wide" aria-label="Supported apps">
            <span>Android apps that receive the code (package name and signature hash)</span>
            {apps.map((app, k) => (
              <div className="form__grid" key={k} data-app={k}>
                <label className="field">
                  <span>Package name</span>
                  <input id={`tpl-app-${k}-package`} value={app.package_name} spellCheck={false} placeholder="com.example.app" onChange={(e) => setApps(apps.map((a, j) => (j === k ? { ...a, package_name: e.target.value } : a)))} />
                </label>
                <label className="field">
                  <span>Signature hash</span>
                  <input id={`tpl-app-${k}-hash`} value={app.signature_hash} spellCheck={false} placeholder="K8a/AINcGX7" onChange={(e) => setApps(apps.map((a, j) => (j === k ? { ...a, signature_hash: e.target.value } : a)))} />
                </label>
                <button type="button" aria-label={`Remove app ${k + 1}`} onClick={() => setApps(apps.filter((_, j) => j !== k))}>
                  Remove
                </button>
              </div>
            ))}
            <button type="button" id="tpl-add-app" onClick={() => setApps([...apps, { package_name: "", signature_hash: "" }])}>
              Add an app
            </button>
            <Issues at={`${at}.supported_apps`} issues={issues} />
          </div>
        )}
        {otp?.otp_type === "ZERO_TAP" && (
          <label className="checkbox">
            <input id="tpl-zero-tap-terms" type="checkbox" checked={otp.extra["zero_tap_terms_accepted"] === true} onChange={(e) => setExtra("zero_tap_terms_accepted", e.target.checked)} />
            I accept Meta's zero-tap terms (the code is filled in without the user tapping)
          </label>
        )}
        {otp?.otp_type === "ZERO_TAP" && (
          <Issues at={`${at}.zero_tap_terms_accepted`} issues={issues} />
        )}
        {others.map(({ b, i }) => (
          <div className="warning-banner" key={i}>
            <p>
              {buttonKindLabel(b.kind)} “{b.text}” is not possible on an authentication template.
            </p>
            <Issues at={`buttons[${i}].kind`} issues={issues} />
            <button type="button" aria-label={`Remove button ${i + 1}`} onClick={() => set({ buttons: draft.buttons.filter((_, j) => j !== i) })}>
              Remove
            </button>
          </div>
        ))}
        {draft.footer.trim() !== "" && draft.code_expiration_minutes === null && (
          <div className="warning-banner">
            <p>An authentication footer only gives the code expiry; Meta writes its text, so the footer text “{draft.footer}” cannot be sent.</p>
            <button type="button" id="tpl-auth-remove-footer" onClick={() => set({ footer: "" })}>
              Remove the footer text
            </button>
          </div>
        )}
      </fieldset>
    </>
  );
}
