import { type FormEvent, useState } from "react";
import { When } from "../../lib/components/Badges";
import { ErrorBanner } from "../../lib/components/ErrorBanner";
import { Page } from "../../lib/components/Page";
import type { ChannelQuery } from "../../lib/ipc/bindings/ChannelQuery";
import type { Environment } from "../../lib/ipc/bindings/Environment";
import type { ErrorPayload } from "../../lib/ipc/bindings/ErrorPayload";
import type { ImportOutcome } from "../../lib/ipc/bindings/ImportOutcome";
import {
  importChannels,
  partnerAccount,
  partnerChannels,
  partnerEventsUrl,
  setPartnerAccount,
  setPartnerWebhook,
} from "../../lib/ipc/commands";
import { toIpcError } from "../../lib/ipc/errors";
import { useLoad } from "../../lib/hooks/useLoad";

const PAGE_SIZE = 20;

/** The partner account: its key (entered once, verified, kept in the keyring). */
function AccountForm(props: { partnerId: string; environment: Environment; onSaved: () => void }) {
  const [partnerId, setPartnerId] = useState(props.partnerId);
  const [environment, setEnvironment] = useState<Environment>(props.environment);
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);

  async function save(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await setPartnerAccount({ partner_id: partnerId, environment, base_url: null }, key);
      setKey("");
      props.onSaved();
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" id="partner-account-form" onSubmit={save} aria-label="Partner account">
      <label className="field">
        <span>Partner id</span>
        <input
          id="partner-id"
          value={partnerId}
          onChange={(e) => setPartnerId(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          required
          aria-invalid={error?.field === "partner_id" || undefined}
        />
      </label>
      <label className="field">
        <span>Environment</span>
        <select id="partner-environment" value={environment} onChange={(e) => setEnvironment(e.target.value as Environment)}>
          <option value="production">Production (hub.360dialog.io)</option>
          <option value="simulator">Simulator</option>
        </select>
      </label>
      <label className="field">
        <span>Partner API key</span>
        <input
          id="partner-key"
          type="password"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          required
          aria-invalid={error?.field === "key" || undefined}
        />
        <span className="hint">From the Partner Hub (API Keys). It is checked with 360dialog, then kept in the OS keyring.</span>
      </label>
      {error && <ErrorBanner error={error} />}
      <button type="submit" className="primary" id="partner-save" disabled={busy || !key.trim() || !partnerId.trim()}>
        {busy ? "Checking the key…" : "Verify and save"}
      </button>
    </form>
  );
}

/** The partner webhook: URL at 360dialog and the platform secret that signs its events. */
function WebhookForm(props: { current: string | null; hasSecret: boolean; onSaved: () => void }) {
  const inbox = useLoad(() => partnerEventsUrl(), [], ["inbox"]);
  const [url, setUrl] = useState(props.current ?? "");
  const [secret, setSecret] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function save(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const v = await setPartnerWebhook(url, secret.trim() ? secret : null);
      setSecret("");
      setNotice(`Partner webhook set: ${v.webhook_url ?? ""}`);
      props.onSaved();
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" id="partner-webhook-form" onSubmit={save} aria-label="Partner webhook">
      <label className="field">
        <span>Partner webhook URL</span>
        <input id="partner-webhook-url" value={url} onChange={(e) => setUrl(e.target.value)} spellCheck={false} required />
      </label>
      {inbox.data && inbox.data !== url && (
        <button type="button" id="partner-webhook-use-inbox" onClick={() => setUrl(inbox.data ?? "")}>
          Use this app's inbox ({inbox.data})
        </button>
      )}
      <label className="field">
        <span>Platform secret</span>
        <input
          id="partner-webhook-secret"
          type="password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          autoComplete="off"
          placeholder={props.hasSecret ? "kept in the keyring; paste to replace" : ""}
        />
        <span className="hint">
          360dialog signs every partner event with it (x-360dialog-signature). Events without a valid
          signature are refused and listed in the inbox's rejections.
        </span>
      </label>
      {error && <ErrorBanner error={error} />}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <button type="submit" id="partner-webhook-save" disabled={busy || !url.trim()}>
        {busy ? "Setting…" : "Set the partner webhook"}
      </button>
    </form>
  );
}

function Channels() {
  const [query, setQuery] = useState<ChannelQuery>({ offset: 0, limit: PAGE_SIZE, filters: {} });
  const [search, setSearch] = useState("");
  const list = useLoad(() => partnerChannels(query), [query], ["numbers"]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [outcomes, setOutcomes] = useState<ImportOutcome[] | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  const setFilter = (k: string, v: string) =>
    setQuery((q) => {
      const filters = { ...q.filters };
      if (v) filters[k] = v;
      else delete filters[k];
      return { ...q, offset: 0, filters };
    });

  const needle = search.trim().toLowerCase();
  const items = (list.data?.items ?? []).filter((i) => {
    if (!needle) return true;
    const c = i.channel;
    return [c.id, c.client_id, c.client_name, c.phone, c.phone_name, c.waba_id]
      .some((x) => (x ?? "").toLowerCase().includes(needle));
  });

  function toggle(id: string) {
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  async function doImport() {
    setBusy(true);
    setError(null);
    setOutcomes(null);
    try {
      setOutcomes(await importChannels([...selected]));
      setSelected(new Set());
      await list.reload();
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }

  const total = list.data?.total ?? 0;
  return (
    <section aria-labelledby="channels-title" className="card" id="partner-channels">
      <h2 id="channels-title">Channels</h2>
      <form className="filters" aria-label="Filter channels" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Status</span>
          <select id="channel-status" value={query.filters.status ?? ""} onChange={(e) => setFilter("status", e.target.value)}>
            <option value="">Any</option>
            <option value="ready">Ready</option>
            <option value="running">Running</option>
            <option value="live">Live</option>
            <option value="restricted">Restricted</option>
          </select>
        </label>
        <label className="field">
          <span>Client id</span>
          <input id="channel-client" value={query.filters.client_id ?? ""} onChange={(e) => setFilter("client_id", e.target.value.trim())} spellCheck={false} />
        </label>
        <label className="field">
          <span>Search this page</span>
          <input id="channel-search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
      </form>
      {(error ?? list.error) && <ErrorBanner error={(error ?? list.error) as ErrorPayload} />}
      <table className="table" id="channels-table">
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">Select</span>
            </th>
            <th scope="col">Channel</th>
            <th scope="col">Client</th>
            <th scope="col">WABA</th>
            <th scope="col">Phone</th>
            <th scope="col">Status</th>
            <th scope="col">Account mode</th>
            <th scope="col">In WABA Desk</th>
          </tr>
        </thead>
        <tbody>
          {items.map(({ channel: c, number_id }) => (
            <tr key={c.id} data-channel-id={c.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select channel ${c.id}`}
                  checked={selected.has(c.id)}
                  disabled={number_id !== null}
                  onChange={() => toggle(c.id)}
                />
              </td>
              <td className="mono">{c.id}</td>
              <td>
                {c.client_name ?? ""} <span className="mono muted">{c.client_id}</span>
              </td>
              <td className="mono">{c.waba_id ?? "—"}</td>
              <td>
                <span className="mono">{c.phone ?? "—"}</span> {c.phone_name ?? ""}
              </td>
              <td>{c.status ?? "—"}</td>
              <td>{c.account_mode ?? "—"}</td>
              <td>{number_id !== null ? "imported" : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && items.length === 0 && <p className="hint">No channels match.</p>}
      <div className="pager">
        <button
          type="button"
          disabled={query.offset === 0}
          onClick={() => setQuery((q) => ({ ...q, offset: Math.max(0, q.offset - PAGE_SIZE) }))}
        >
          Previous
        </button>
        <span id="channels-range">
          {total === 0 ? "0" : `${query.offset + 1}–${Math.min(query.offset + PAGE_SIZE, total)}`} of {total}
        </span>
        <button
          type="button"
          disabled={query.offset + PAGE_SIZE >= total}
          onClick={() => setQuery((q) => ({ ...q, offset: q.offset + PAGE_SIZE }))}
        >
          Next
        </button>
      </div>
      <button type="button" className="primary" id="channels-import" disabled={busy || selected.size === 0} onClick={doImport}>
        {busy ? "Importing…" : selected.size ? `Import ${selected.size} selected` : "Import selected"}
      </button>
      {outcomes && (
        <ul className="plain-list" id="import-outcomes" role="status">
          {outcomes.map((o) => (
            <li key={o.channel_id} data-ok={o.number ? "true" : "false"}>
              {o.number
                ? `${o.channel_id}: added as ${o.number.label} (${o.number.phone}). Generate its key from the number's details.`
                : `${o.channel_id}: not imported: ${o.error ?? ""}`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Partner mode: the account, its webhook, its channels. */
export function PartnerPage() {
  const account = useLoad(() => partnerAccount(), [], ["numbers"]);
  const [changing, setChanging] = useState(false);
  const a = account.data;
  return (
    <Page
      id="partner"
      title="Partner"
      lead="A 360dialog partner account: list your clients' channels, add them as numbers, and generate their keys without copying them."
    >
      {account.error && <ErrorBanner error={account.error} />}
      <section aria-labelledby="partner-account-title" className="card">
        <h2 id="partner-account-title">Partner account</h2>
        {a && !changing ? (
          <>
            <dl className="facts" id="partner-account">
              <dt>Partner id</dt>
              <dd className="mono">{a.partner_id}</dd>
              <dt>Partner API</dt>
              <dd className="mono">{a.base_url}</dd>
              <dt>Key</dt>
              <dd>
                <span className="mono">{a.key_hint}</span> <span className="mono muted">{a.key_fingerprint}</span>
              </dd>
              <dt>Verified</dt>
              <dd>
                <When at={a.key_verified_at} />
              </dd>
            </dl>
            <button type="button" id="partner-change" onClick={() => setChanging(true)}>
              Change…
            </button>
          </>
        ) : (
          <AccountForm
            partnerId={a?.partner_id ?? ""}
            environment={a?.environment ?? "production"}
            onSaved={() => {
              setChanging(false);
              void account.reload();
            }}
          />
        )}
      </section>
      {a && (
        <>
          <section aria-labelledby="partner-webhook-title" className="card">
            <h2 id="partner-webhook-title">Partner webhook</h2>
            <WebhookForm current={a.webhook_url} hasSecret={a.has_webhook_secret} onSaved={() => void account.reload()} />
          </section>
          <Channels />
        </>
      )}
    </Page>
  );
}
