/** Admin: tenants — list with search and paging, create, edit entitlements and limits, suspend and resume. */
import { type FormEvent, useState } from 'react';
import { call, get } from '../api';
import { formatTime, formatUsd } from '../format';
import { matchesSearch, pageOf } from '../query';
import { createBody, EMPTY_TENANT_FORM, formOf, updateBody, type TenantForm } from '../tenant-form';
import type { ModelMapping, Tenant } from '../types';
import { Empty, ErrorBox, Loading, Pager, SelectField, TextField, useData } from '../ui';

const PAGE_SIZE = 20;

function TenantFields(props: { form: TenantForm; setForm: (f: TenantForm) => void; models: string[] }) {
  const { form, setForm } = props;
  const set = (patch: Partial<TenantForm>) => setForm({ ...form, ...patch });
  const chosen = form.models ?? props.models.filter((m) => !m.includes('filter-off'));
  return (
    <>
      <TextField label="Name" name="name" value={form.name} onChange={(name) => set({ name })} required />
      <SelectField
        label="Media policy"
        name="media_policy"
        value={form.media_policy}
        onChange={(media_policy) => set({ media_policy })}
        options={[
          ['', 'Profile default'],
          ['asset_only', 'asset_only — library assets only'],
          ['any', 'any — public URLs allowed'],
        ]}
      />
      <TextField
        label="Rate limit (requests per minute)"
        name="rate_limit_per_minute"
        value={form.rate_limit_per_minute}
        onChange={(v) => set({ rate_limit_per_minute: v })}
        placeholder="default"
      />
      <TextField
        label="Spend limit (USD)"
        name="spend_limit_usd"
        value={form.spend_limit_usd}
        onChange={(v) => set({ spend_limit_usd: v })}
        placeholder="none"
        hint='A decimal such as "250.00"; empty means no limit.'
      />
      <fieldset>
        <legend>Entitlements</legend>
        <label className="check">
          <input type="checkbox" checked={form.video_generation} onChange={(e) => set({ video_generation: e.target.checked })} /> Video generation
        </label>
        <label className="check">
          <input type="checkbox" checked={form.asset_library} onChange={(e) => set({ asset_library: e.target.checked })} /> Asset library
        </label>
      </fieldset>
      <fieldset>
        <legend>Models</legend>
        {props.models.map((m) => (
          <label className="check" key={m}>
            <input
              type="checkbox"
              checked={chosen.includes(m)}
              onChange={(e) => set({ models: e.target.checked ? [...chosen, m] : chosen.filter((x) => x !== m) })}
            />{' '}
            {m}
          </label>
        ))}
      </fieldset>
    </>
  );
}

function CreateTenant(props: { models: string[]; onCreated: (t: Tenant) => void }) {
  const [form, setForm] = useState<TenantForm>(EMPTY_TENANT_FORM);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const t = await call<Tenant>('POST', '/admin/tenants', createBody(form));
      setForm(EMPTY_TENANT_FORM);
      props.onCreated(t);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="create-tenant">
      <h2 id="create-tenant">Create a tenant</h2>
      <TenantFields form={form} setForm={setForm} models={props.models} />
      <ErrorBox error={error} />
      <button type="submit" disabled={busy}>
        {busy ? 'Creating…' : 'Create tenant'}
      </button>
    </form>
  );
}

function EditTenant(props: { tenant: Tenant; models: string[]; onSaved: (t: Tenant) => void; onClose: () => void }) {
  const [form, setForm] = useState<TenantForm>(formOf(props.tenant));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const t = props.tenant;
  const patch = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      props.onSaved(await call<Tenant>('PATCH', `/admin/tenants/${encodeURIComponent(t.id)}`, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="panel"
      aria-labelledby="edit-tenant"
      onSubmit={(e) => {
        e.preventDefault();
        const body = updateBody(form, t);
        if (Object.keys(body).length === 0) setError(new Error('Nothing changed.'));
        else void patch(body);
      }}
    >
      <h2 id="edit-tenant">Edit {t.name}</h2>
      <p className="muted">
        <code>{t.id}</code> · {t.status}
      </p>
      <TenantFields form={form} setForm={setForm} models={props.models} />
      <ErrorBox error={error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          Save changes
        </button>
        {t.status === 'active' ? (
          <button type="button" className="danger" disabled={busy} onClick={() => void patch({ status: 'suspended' })}>
            Suspend
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => void patch({ status: 'active' })}>
            Resume
          </button>
        )}
        <button type="button" className="secondary" onClick={props.onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

export function TenantsPage() {
  const tenants = useData(() => get<Tenant[]>('/admin/tenants'), []);
  const mappings = useData(() => get<ModelMapping[]>('/admin/model-mappings'), []);
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Tenant | null>(null);
  const [notice, setNotice] = useState('');
  const models = mappings.data?.map((m) => m.model) ?? [];
  const filtered = (tenants.data ?? []).filter((t) => matchesSearch(search, t.name, t.id, t.status));
  const view = pageOf(filtered, page, PAGE_SIZE);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Tenants</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <div className="toolbar">
        <TextField
          label="Search tenants"
          value={search}
          onChange={(v) => {
            setSearch(v);
            setPage(1);
          }}
          placeholder="name, id or status"
        />
      </div>
      <ErrorBox error={tenants.error} />
      {tenants.loading && !tenants.data ? (
        <Loading what="Loading tenants" />
      ) : filtered.length === 0 ? (
        <Empty>{search ? 'No tenant matches this search.' : 'No tenants yet. Create the first one below.'}</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Tenants</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Media policy</th>
                <th scope="col">Rate limit / min</th>
                <th scope="col">Spend limit</th>
                <th scope="col">Models</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((t) => (
                <tr key={t.id}>
                  <th scope="row">
                    {t.name}
                    <div className="muted mono">{t.id}</div>
                  </th>
                  <td>
                    <span className={`badge ${t.status}`}>{t.status}</span>
                  </td>
                  <td>{t.media_policy}</td>
                  <td className="num">{t.rate_limit_per_minute}</td>
                  <td className="num">{t.spend_limit_usd === null ? 'none' : formatUsd(t.spend_limit_usd)}</td>
                  <td>{t.entitlements.models.length}</td>
                  <td>{formatTime(t.created_at)}</td>
                  <td>
                    <button type="button" className="secondary" onClick={() => setEditing(t)} aria-label={`Edit ${t.name}`}>
                      Edit
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={view.page} pages={view.pages} onPage={setPage} label="Tenant" />
      {editing && (
        <EditTenant
          key={editing.id + editing.updated_at}
          tenant={editing}
          models={models}
          onClose={() => setEditing(null)}
          onSaved={(t) => {
            setEditing(t);
            setNotice(`Saved ${t.name} (${t.status}).`);
            tenants.reload();
          }}
        />
      )}
      <CreateTenant
        models={models}
        onCreated={(t) => {
          setNotice(`Created tenant ${t.name} (${t.id}).`);
          setSearch('');
          tenants.reload();
        }}
      />
    </section>
  );
}
