/** Auditors (and admins): audit events with filters and cursor pages, chain verification, and task exports. */
import { type FormEvent, Fragment, useState } from 'react';
import { download, get } from '../api';
import { formatCount, formatTime, formatUsd } from '../format';
import { type AuditFilters, auditEventsPath, EMPTY_AUDIT_FILTERS, type ExportFilters, exportPath } from '../query';
import {
  RECORD_STATUSES,
  type AuditEvent,
  type Page,
  type ReconciliationView,
  type UnresolvedAssetSubmission,
  type UnresolvedTaskRecord,
  type VerifyResult,
} from '../types';
import { CursorPager, Empty, ErrorBox, Json, Loading, SelectField, TextField, useData } from '../ui';

export function AuditEventsPage() {
  const [draft, setDraft] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [applied, setApplied] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [open, setOpen] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];
  const page = useData(() => get<Page<AuditEvent>>(auditEventsPath(applied, cursor)), [applied, cursor]);
  const set = (patch: Partial<AuditFilters>) => setDraft({ ...draft, ...patch });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied(draft);
    setCursors([null]);
  };
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Audit events</h1>
      <form className="filters" onSubmit={apply} aria-label="Audit filters">
        <TextField label="Tenant id" name="tenant_id" value={draft.tenant_id} onChange={(tenant_id) => set({ tenant_id })} />
        <TextField label="Action" name="action" value={draft.action} onChange={(action) => set({ action })} placeholder="task.create" />
        <TextField label="Actor token id" name="actor" value={draft.actor} onChange={(actor) => set({ actor })} />
        <TextField label="Request id" name="request_id" value={draft.request_id} onChange={(request_id) => set({ request_id })} />
        <TextField label="From" name="from" type="date" value={draft.from} onChange={(from) => set({ from })} />
        <TextField label="To (inclusive)" name="to" type="date" value={draft.to} onChange={(to) => set({ to })} />
        <div className="actions">
          <button type="submit">Apply filters</button>
        </div>
      </form>
      <ErrorBox error={page.error} />
      {page.loading && !page.data ? (
        <Loading what="Loading audit events" />
      ) : !page.data || page.data.items.length === 0 ? (
        <Empty>No audit event matches these filters.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Audit events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Tenant</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">
                  <span className="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((e) => (
                <Fragment key={e.id}>
                  <tr>
                    <td className="num">{e.seq}</td>
                    <td>{formatTime(e.occurred_at)}</td>
                    <th scope="row">{e.action}</th>
                    <td>{e.actor?.role ?? '—'}</td>
                    <td className="mono">{e.tenant_id ?? '—'}</td>
                    <td className="mono">{e.target_id ?? '—'}</td>
                    <td>
                      {e.outcome?.status ?? '—'} {e.outcome?.error_code ?? ''}
                    </td>
                    <td>
                      <button type="button" className="secondary" aria-expanded={open === e.id} onClick={() => setOpen(open === e.id ? null : e.id)}>
                        {open === e.id ? 'Hide' : 'Details'}
                      </button>
                    </td>
                  </tr>
                  {open === e.id && (
                    <tr>
                      <td colSpan={8}>
                        <Json value={e} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CursorPager label="Audit event pages" cursors={cursors} onCursors={setCursors} next={page.data?.next_cursor} />
    </section>
  );
}

export function VerifyPage() {
  const [state, setState] = useState<{ busy: boolean; result?: VerifyResult; error?: unknown; at?: number }>({ busy: false });
  const run = async () => {
    setState({ busy: true });
    try {
      setState({ busy: false, result: await get<VerifyResult>('/audit/verify'), at: Date.now() });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  const r = state.result;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Chain verification</h1>
      <p className="muted">
        Recomputes every audit event's hash in order and reports the first link that does not hold (an event changed, removed or inserted after it was written).
      </p>
      <button type="button" onClick={() => void run()} disabled={state.busy}>
        {state.busy ? 'Verifying…' : 'Verify the chain'}
      </button>
      {state.busy && <Loading what="Recomputing the chain" />}
      <ErrorBox error={state.error} />
      {r && (
        <div className={`panel verdict ${r.ok ? 'ok' : 'broken'}`} role="status" data-testid="verify-result">
          <h2>{r.ok ? 'The chain holds' : 'The chain is broken'}</h2>
          <p>
            {formatCount(r.events_checked)} events checked at {formatTime(state.at ?? null)}.
          </p>
          {r.first_broken && (
            <p>
              First broken link: event #{r.first_broken.seq} (<code>{r.first_broken.id}</code>): {r.first_broken.reason}.
            </p>
          )}
        </div>
      )}
    </section>
  );
}

const EMPTY_EXPORT: ExportFilters = { tenant_id: '', status: '', model: '', from: '', to: '' };

export function ExportsPage() {
  const [f, setF] = useState<ExportFilters>(EMPTY_EXPORT);
  const [state, setState] = useState<{ busy: string; error?: unknown; done?: string }>({ busy: '' });
  const run = async (format: 'csv' | 'ndjson') => {
    setState({ busy: format });
    try {
      const file = await download(exportPath(format, f), `tasks.${format}`);
      setState({ busy: '', done: `Downloaded ${file.name} (${formatCount(file.bytes)} bytes).` });
    } catch (error) {
      setState({ busy: '', error });
    }
  };
  const set = (patch: Partial<ExportFilters>) => setF({ ...f, ...patch });
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Task exports</h1>
      <p className="muted">Every task record with its cost, hidden tasks included. The same filters apply to both formats.</p>
      <form className="filters" aria-label="Export filters" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Tenant id" name="tenant_id" value={f.tenant_id} onChange={(tenant_id) => set({ tenant_id })} placeholder="all tenants" />
        <SelectField
          label="Status"
          name="status"
          value={f.status}
          onChange={(status) => set({ status })}
          options={[['', 'Any status'], ...RECORD_STATUSES.map((s): [string, string] => [s, s])]}
        />
        <TextField label="Model" name="model" value={f.model} onChange={(model) => set({ model })} placeholder="any model" />
        <TextField label="Created from" name="from" type="date" value={f.from} onChange={(from) => set({ from })} />
        <TextField label="Created to (inclusive)" name="to" type="date" value={f.to} onChange={(to) => set({ to })} />
      </form>
      <div className="actions">
        <button type="button" onClick={() => void run('csv')} disabled={!!state.busy}>
          {state.busy === 'csv' ? 'Preparing CSV…' : 'Download CSV'}
        </button>
        <button type="button" onClick={() => void run('ndjson')} disabled={!!state.busy}>
          {state.busy === 'ndjson' ? 'Preparing NDJSON…' : 'Download NDJSON'}
        </button>
      </div>
      <ErrorBox error={state.error} />
      {state.done && (
        <p className="notice" role="status">
          {state.done}
        </p>
      )}
    </section>
  );
}

/** §9's operator view (GET /admin/reconciliation): unresolved task records, unresolved asset-library creates, upstream orphans. */
export function ReconciliationPage() {
  const data = useData(() => get<ReconciliationView>('/admin/reconciliation'), []);
  const view = data.data;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Reconciliation</h1>
      <p className="muted">Creates whose upstream outcome is not known yet, and upstream tasks no record owns (unattributed spend).</p>
      <ErrorBox error={data.error} />
      {data.loading && !view ? (
        <Loading what="Loading reconciliation" />
      ) : view ? (
        <>
          <p className="muted">
            Generated {formatTime(view.generated_at)}, looking back to {formatTime(view.since)}.
          </p>
          <UnresolvedTasks rows={view.unresolved ?? []} />
          <UnresolvedAssetCreates rows={view.asset_submissions ?? []} />
          <Orphans view={view} />
        </>
      ) : null}
    </section>
  );
}

const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '—' : String(v));

function UnresolvedTasks({ rows }: { rows: UnresolvedTaskRecord[] }) {
  return (
    <div>
      <h2 id="recon-unresolved">Unresolved task creates ({rows.length})</h2>
      {rows.length === 0 ? (
        <Empty>No task record is waiting for its upstream outcome.</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="recon-unresolved">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Tenant</th>
                <th scope="col">Record</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Error code</th>
                <th scope="col">Upstream task</th>
                <th scope="col">Request id</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.record_id}>
                  <td>{formatTime(r.created_at)}</td>
                  <td className="mono">{r.tenant_id}</td>
                  <th scope="row" className="mono">
                    {r.record_id}
                  </th>
                  <td>
                    {r.model}
                    {r.upstream_model && <span className="mono muted"> → {r.upstream_model}</span>}
                  </td>
                  <td>{r.status}</td>
                  <td>{r.reason}</td>
                  <td className="mono">{dash(r.error_code)}</td>
                  <td className="mono">{dash(r.upstream_task_id)}</td>
                  <td className="mono">{r.request_id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function UnresolvedAssetCreates({ rows }: { rows: UnresolvedAssetSubmission[] }) {
  return (
    <div>
      <h2 id="recon-assets">Unresolved asset-library creates ({rows.length})</h2>
      {rows.length === 0 ? (
        <Empty>No asset group or asset create is waiting for its upstream outcome.</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="recon-assets">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Tenant</th>
                <th scope="col">Kind</th>
                <th scope="col">Submission</th>
                <th scope="col">Sent upstream</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Request id</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.submission_id}>
                  <td>{formatTime(r.created_at)}</td>
                  <td className="mono">{r.tenant_id}</td>
                  <td>{r.kind === 'group' ? 'Asset group' : 'Asset'}</td>
                  <th scope="row" className="mono">
                    {r.submission_id}
                  </th>
                  <td className="mono">
                    {Object.entries(r.sent ?? {}).map(([k, v]) => (
                      <div key={k}>
                        {k}: {typeof v === 'object' && v !== null ? JSON.stringify(v) : dash(v as string)}
                      </div>
                    ))}
                  </td>
                  <td>{r.status}</td>
                  <td>{r.reason}</td>
                  <td className="mono">{r.request_id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function Orphans({ view }: { view: ReconciliationView }) {
  const rows = view.orphans;
  return (
    <div>
      <h2 id="recon-orphans">Upstream orphans ({rows ? rows.length : 'unknown'})</h2>
      {view.upstream_listing_error && (
        <p className="error" role="status">
          Listing upstream tasks failed: {view.upstream_listing_error}
        </p>
      )}
      {view.orphan_totals && (
        <p>
          {formatCount(view.orphan_totals.tasks)} tasks, {formatCount(view.orphan_totals.completion_tokens)} completion tokens,{' '}
          {formatUsd(view.orphan_totals.list_price_usd)} at today&apos;s list price.
        </p>
      )}
      {!rows ? null : rows.length === 0 ? (
        <Empty>Every upstream task of the window is owned by a record.</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="recon-orphans">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Upstream task</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Resolution</th>
                <th scope="col">Ratio</th>
                <th scope="col">Duration</th>
                <th scope="col">Completion tokens</th>
                <th scope="col">SKU</th>
                <th scope="col">List price</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.task_id}>
                  <td>{formatTime(r.created_at)}</td>
                  <th scope="row" className="mono">
                    {r.task_id}
                  </th>
                  <td>
                    {dash(r.model)}
                    {r.upstream_model && <span className="mono muted"> ({r.upstream_model})</span>}
                  </td>
                  <td>{r.status}</td>
                  <td>{dash(r.resolution)}</td>
                  <td>{dash(r.ratio)}</td>
                  <td>{r.duration === null ? '—' : `${r.duration} s`}</td>
                  <td>{formatCount(r.completion_tokens)}</td>
                  <td className="mono">{dash(r.sku)}</td>
                  <td>{formatUsd(r.list_price_usd)}</td>
                  <td>{dash(r.note)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
