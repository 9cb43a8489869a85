import { type FormEvent, useEffect, useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import type { ComponentsCheck } from "../../lib/ipc/bindings/ComponentsCheck";
import type { ConversationalAutomation } from "../../lib/ipc/bindings/ConversationalAutomation";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import { checkComponents, getComponents, setComponents } from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useLoad } from "../../lib/hooks/useLoad";
import { LIMITS } from "../../lib/vocabulary";

/** How the components look in a user's chat: the ice breakers to tap, the commands behind "/". */
export function ChatPreview({ c, label }: { c: ConversationalAutomation; label: string }) {
  return (
    <div className="chat-preview" id="components-preview" aria-label="Preview as WhatsApp shows it">
      <div className="chat-preview__head">{label}</div>
      <div className="chat-preview__body">
        {c.enable_welcome_message && (
          <p className="chat-preview__system">
            When someone opens the chat for the first time, you get “opened the chat (welcome requested)” and can greet them.
          </p>
        )}
        {c.prompts.filter((p) => p.trim()).length > 0 && (
          <div className="chat-preview__breakers">
            {c.prompts
              .filter((p) => p.trim())
              .map((p, i) => (
                <span key={i} className="chat-preview__breaker">
                  {p}
                </span>
              ))}
          </div>
        )}
        {c.commands.filter((x) => x.command_name.trim()).length > 0 && (
          <ul className="chat-preview__commands" aria-label="Commands">
            {c.commands
              .filter((x) => x.command_name.trim())
              .map((x, i) => (
                <li key={i}>
                  <span className="mono">/{x.command_name.replace(/^\/+/, "")}</span> <span className="muted">{x.command_description}</span>
                </li>
              ))}
          </ul>
        )}
        {!c.enable_welcome_message && c.prompts.length === 0 && c.commands.length === 0 && (
          <p className="muted">Nothing configured: the chat opens empty.</p>
        )}
      </div>
    </div>
  );
}

/** Conversational components: welcome message, ice breakers and commands, with their limits
 * checked as the user types and a chat-style preview. */
export function ComponentsForm({ id, label }: { id: number; label: string }) {
  const loaded = useLoad(() => getComponents(id), [id], []);
  const [draft, setDraft] = useState<ConversationalAutomation | null>(null);
  const [check, setCheck] = useState<ComponentsCheck | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);

  useEffect(() => {
    if (loaded.data) setDraft(loaded.data.components);
  }, [loaded.data]);

  useEffect(() => {
    if (!draft) return;
    let live = true;
    const t = setTimeout(() => {
      checkComponents(draft)
        .then((c) => live && setCheck(c))
        .catch((e) => live && setError(toIpcError(e)));
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [draft]);

  const problems = (field: string, index: number | null) =>
    check?.problems.filter((p) => p.field === field && p.index === index).map((p) => p.message) ?? [];
  const bad = (check?.problems.length ?? 0) > 0;
  const change = (f: (d: ConversationalAutomation) => ConversationalAutomation) => {
    setSaved(false);
    setDraft((d) => (d ? f(d) : d));
  };

  async function save(ev: FormEvent) {
    ev.preventDefault();
    if (!draft) return;
    setSaving(true);
    setError(null);
    try {
      loaded.setData(await setComponents(id, draft));
      setSaved(true);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="card" id="setup-components" aria-labelledby="setup-components-title">
      <h2 id="setup-components-title">Conversational components</h2>
      {loaded.error && <ErrorBanner error={loaded.error} />}
      {error && <ErrorBanner error={error} />}
      {draft && (
        <div className="components">
          <form onSubmit={save} className="form" id="components-form">
            <label className="check">
              <input
                type="checkbox"
                id="components-welcome"
                checked={draft.enable_welcome_message}
                onChange={(e) => change((d) => ({ ...d, enable_welcome_message: e.target.checked }))}
              />{" "}
              Welcome message (you are told when someone opens the chat for the first time)
            </label>
            <fieldset>
              <legend>
                Ice breakers <span className="muted">{draft.prompts.length}/{LIMITS.ice_breakers_max}</span>
              </legend>
              {problems("prompts", null).map((m) => (
                <p key={m} className="field__error" role="alert">
                  {m}
                </p>
              ))}
              {draft.prompts.map((p, i) => (
                <div key={i} className="row" data-breaker={i}>
                  <label className="field">
                    <span>
                      Ice breaker {i + 1}{" "}
                      <span className="muted">
                        {[...p].length}/{LIMITS.ice_breaker_max}
                      </span>
                    </span>
                    <input
                      id={`components-breaker-${i}`}
                      value={p}
                      aria-invalid={problems("prompts", i).length > 0}
                      onChange={(e) =>
                        change((d) => ({ ...d, prompts: d.prompts.map((x, k) => (k === i ? e.target.value : x)) }))
                      }
                    />
                    {problems("prompts", i).length > 0 && (
                      <span className="field__error" role="alert">
                        {problems("prompts", i).join("; ")}
                      </span>
                    )}
                  </label>
                  <button
                    type="button"
                    className="link"
                    onClick={() => change((d) => ({ ...d, prompts: d.prompts.filter((_, k) => k !== i) }))}
                  >
                    Remove
                  </button>
                </div>
              ))}
              <button
                type="button"
                id="components-add-breaker"
                disabled={draft.prompts.length >= LIMITS.ice_breakers_max}
                onClick={() => change((d) => ({ ...d, prompts: [...d.prompts, ""] }))}
              >
                Add an ice breaker
              </button>
            </fieldset>
            <fieldset>
              <legend>
                Commands <span className="muted">{draft.commands.length}/{LIMITS.commands_max}</span>
              </legend>
              {problems("commands", null).map((m) => (
                <p key={m} className="field__error" role="alert">
                  {m}
                </p>
              ))}
              {draft.commands.map((c, i) => (
                <div key={i} className="row" data-command={i}>
                  <label className="field">
                    <span>
                      Name <span className="muted">{[...c.command_name].length}/{LIMITS.command_name_max}</span>
                    </span>
                    <input
                      id={`components-command-name-${i}`}
                      value={c.command_name}
                      aria-invalid={problems("commands", i).length > 0}
                      onChange={(e) =>
                        change((d) => ({
                          ...d,
                          commands: d.commands.map((x, k) => (k === i ? { ...x, command_name: e.target.value } : x)),
                        }))
                      }
                    />
                  </label>
                  <label className="field">
                    <span>
                      Description{" "}
                      <span className="muted">
                        {[...c.command_description].length}/{LIMITS.command_description_max}
                      </span>
                    </span>
                    <input
                      id={`components-command-description-${i}`}
                      value={c.command_description}
                      onChange={(e) =>
                        change((d) => ({
                          ...d,
                          commands: d.commands.map((x, k) => (k === i ? { ...x, command_description: e.target.value } : x)),
                        }))
                      }
                    />
                  </label>
                  <button
                    type="button"
                    className="link"
                    onClick={() => change((d) => ({ ...d, commands: d.commands.filter((_, k) => k !== i) }))}
                  >
                    Remove
                  </button>
                  {problems("commands", i).length > 0 && (
                    <span className="field__error" role="alert">
                      {problems("commands", i).join("; ")}
                    </span>
                  )}
                </div>
              ))}
              <button
                type="button"
                id="components-add-command"
                disabled={draft.commands.length >= LIMITS.commands_max}
                onClick={() =>
                  change((d) => ({ ...d, commands: [...d.commands, { command_name: "", command_description: "" }] }))
                }
              >
                Add a command
              </button>
            </fieldset>
            <div className="actions">
              <button type="submit" id="components-save" disabled={saving || bad}>
                {saving ? "Saving…" : "Save components"}
              </button>
              {saved && (
                <span role="status" id="components-saved">
                  Saved
                </span>
              )}
            </div>
          </form>
          <ChatPreview c={draft} label={label} />
        </div>
      )}
    </section>
  );
}
