/** Admin: tokens — issue (the secret is shown once, with a copy button), list and revoke. */
import { type FormEvent, useState } from 'react';
import { call, get } from '../api';
import { formatTime } from '../format';
import { matchesSearch, pageOf } from '../query';
import type { IssuedToken, Tenant, TokenView } from '../types';
import { Empty, ErrorBox, Field, Loading, Pager, SelectField, TextField, useData } from '../ui';

const PAGE_SIZE = 20;

function IssuedOnce({ issued, onDone }: { issued: IssuedToken; onDone: () => void }) {
  const [copied, setCopied] = useState<'' | 'yes' | 'no'>('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(issued.token);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };
  return (
    <div className="panel issued" role="region" aria-labelledby="issued-title">
      <h2 id="issued-title">Token issued: copy it now</h2>
      <p>
        This is the only time <strong>{issued.name}</strong> ({issued.role}) is shown. Only its hash is kept.
      </p>
      <Field label="New token">{(id) => <input id={id} className="mono" readOnly value={issued.token} onFocus={(e) => e.target.select()} />}</Field>
      <div className="actions">
        <button type="button" onClick={() => void copy()}>
          Copy token
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Done
        </button>
        <span role="status" aria-live="polite">
          {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'no' ? 'The browser refused the clipboard: select the field and copy it.' : ''}
        </span>
      </div>
    </div>
  );
}

function IssueToken(props: { tenants: Tenant[]; onIssued: (t: IssuedToken) => void }) {
  const [kind, setKind] = useState('tenant');
  const [tenantId, setTenantId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const tenant = tenantId || props.tenants[props.tenants.length - 1]?.id || '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const issued =
        kind === 'tenant'
          ? await call<IssuedToken>('POST', `/admin/tenants/${encodeURIComponent(tenant)}/tokens`, { name })
          : await call<IssuedToken>('POST', '/admin/tokens', { name, role: kind });
      setName('');
      props.onIssued(issued);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="issue-token">
      <h2 id="issue-token">Issue a token</h2>
      <SelectField
        label="Kind"
        name="kind"
        value={kind}
        onChange={setKind}
        options={[
          ['tenant', 'Tenant API token'],
          ['auditor', 'Auditor token'],
          ['admin', 'Admin token'],
        ]}
      />
      {kind === 'tenant' && (
        <SelectField
          label="Tenant"
          name="tenant"
          value={tenant}
          onChange={setTenantId}
          options={props.tenants.length ? [...props.tenants].reverse().map((t) => [t.id, `${t.name} (${t.status})`]) : [['', 'No tenants yet']]}
        />
      )}
      <TextField label="Token name" name="token_name" value={name} onChange={setName} placeholder="production" required />
      <ErrorBox error={error} />
      <button type="submit" disabled={busy}>
        {busy ? 'Issuing…' : 'Issue token'}
      </button>
    </form>
  );
}

export function TokensPage() {
  const tokens = useData(() => get<TokenView[]>('/admin/tokens'), []);
  const tenants = useData(() => get<Tenant[]>('/admin/tenants'), []);
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [revokeError, setRevokeError] = useState<unknown>();
  const names = new Map((tenants.data ?? []).map((t) => [t.id, t.name]));
  const rows = [...(tokens.data ?? [])].reverse().filter((t) => matchesSearch(search, t.name, t.role, t.prefix, t.tenant_id, names.get(t.tenant_id ?? '')));
  const view = pageOf(rows, page, PAGE_SIZE);
  const revoke = async (id: string) => {
    setRevokeError(undefined);
    try {
      await call('DELETE', `/admin/tokens/${encodeURIComponent(id)}`);
      setConfirming(null);
      tokens.reload();
    } catch (err) {
      setRevokeError(err);
    }
  };
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Tokens</h1>
      {issued && <IssuedOnce issued={issued} onDone={() => setIssued(null)} />}
      <IssueToken
        tenants={tenants.data ?? []}
        onIssued={(t) => {
          setIssued(t);
          tokens.reload();
        }}
      />
      <h2>All tokens</h2>
      <div className="toolbar">
        <TextField
          label="Search tokens"
          value={search}
          onChange={(v) => {
            setSearch(v);
            setPage(1);
          }}
          placeholder="name, role, prefix or tenant"
        />
      </div>
      <ErrorBox error={tokens.error ?? revokeError} />
      {tokens.loading && !tokens.data ? (
        <Loading what="Loading tokens" />
      ) : rows.length === 0 ? (
        <Empty>No tokens match.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Tenant</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Revoked</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>{t.role}</td>
                  <td>{t.tenant_id ? (names.get(t.tenant_id) ?? t.tenant_id) : '—'}</td>
                  <td className="mono">{t.prefix}…</td>
                  <td>{formatTime(t.created_at)}</td>
                  <td>{t.revoked_at ? formatTime(t.revoked_at) : '—'}</td>
                  <td>
                    {t.revoked_at ? null : confirming === t.id ? (
                      <span className="actions">
                        <button type="button" className="danger" onClick={() => void revoke(t.id)}>
                          Confirm revoke
                        </button>
                        <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <button type="button" className="secondary" onClick={() => setConfirming(t.id)} aria-label={`Revoke ${t.name}`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={view.page} pages={view.pages} onPage={setPage} label="Token" />
    </section>
  );
}
