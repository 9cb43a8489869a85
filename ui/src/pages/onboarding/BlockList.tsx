import { useState } from "react";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { BlockResult, useBlockAction } from "../../lib/block";
import { listBlocked } from "../../lib/ipc/commands";
import { useLoad } from "../../lib/hooks/useLoad";
import { LIMITS } from "../../lib/vocabulary";

/** The number's block list: who is blocked, block more (only users who wrote in the last 24
 * hours, at most 1,000 at once), unblock. Audited. */
export function BlockList({ id }: { id: number }) {
  const list = useLoad(() => listBlocked(id), [id], ["onboarding"]);
  const [users, setUsers] = useState("");
  const action = useBlockAction(id);
  const entered = users
    .split(/[\n,;]+/)
    .map((u) => u.trim())
    .filter(Boolean);

  return (
    <section className="card" id="setup-block" aria-labelledby="setup-block-title">
      <h2 id="setup-block-title">Block list</h2>
      <p className="hint">
        A blocked user cannot write to this number, and this number cannot write to them. WhatsApp only blocks users
        who wrote in the last 24 hours, at most {LIMITS.block_users_max.toLocaleString("en")} per request.
      </p>
      {list.error && <ErrorBanner error={list.error} />}
      {action.error && <ErrorBanner error={action.error} />}
      {action.outcome && <BlockResult outcome={action.outcome} />}
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run("block", entered).then(() => setUsers(""));
        }}
      >
        <label className="field">
          <span>
            Users to block <span className="muted">(phone numbers or WhatsApp ids, one a line)</span>
          </span>
          <textarea id="block-users" rows={2} value={users} onChange={(e) => setUsers(e.target.value)} />
        </label>
        <button type="submit" id="block-add" disabled={action.busy || entered.length === 0 || entered.length > LIMITS.block_users_max}>
          Block
        </button>
      </form>
      {list.data && list.data.length === 0 && <p className="muted" id="block-empty">No one is blocked.</p>}
      {list.data && list.data.length > 0 && (
        <ul className="block-list" id="block-list">
          {list.data.map((u) => (
            <li key={u.wa_id} data-wa-id={u.wa_id}>
              <span className="mono">{u.wa_id}</span>{" "}
              <button type="button" className="link" disabled={action.busy} onClick={() => void action.run("unblock", [u.wa_id])}>
                Unblock
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
