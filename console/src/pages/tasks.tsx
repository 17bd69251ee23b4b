/** Admin: the task log across tenants (GET /admin/tasks) with filters and cursor pages, and one task's detail. */
import { type FormEvent, useState } from 'react';
import { get } from '../api';
import { formatTime, formatUsd } from '../format';
import { EMPTY_TASK_FILTERS, type TaskLogFilters, taskLogPath } from '../query';
import { RECORD_STATUSES, type ModelMapping, type Page, type TaskRecord, type Tenant } from '../types';
import { CursorPager, Empty, ErrorBox, Json, Loading, SelectField, TextField, useData } from '../ui';

export function TaskLogPage() {
  const tenants = useData(() => get<Tenant[]>('/admin/tenants'), []);
  const mappings = useData(() => get<ModelMapping[]>('/admin/model-mappings'), []);
  const [draft, setDraft] = useState<TaskLogFilters>(EMPTY_TASK_FILTERS);
  const [applied, setApplied] = useState<TaskLogFilters>(EMPTY_TASK_FILTERS);
  // Cursors of the pages seen so far, so "Previous" goes back without an offset.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1];
  const page = useData(() => get<Page<TaskRecord>>(taskLogPath(applied, cursor)), [applied, cursor]);
  const names = new Map((tenants.data ?? []).map((t) => [t.id, t.name]));
  const set = (patch: Partial<TaskLogFilters>) => setDraft({ ...draft, ...patch });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied(draft);
    setCursors([null]);
  };
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Task log</h1>
      <form className="filters" onSubmit={apply} aria-label="Task filters">
        <SelectField
          label="Tenant"
          name="tenant_id"
          value={draft.tenant_id}
          onChange={(tenant_id) => set({ tenant_id })}
          options={[['', 'All tenants'], ...(tenants.data ?? []).map((t): [string, string] => [t.id, t.name])]}
        />
        <SelectField
          label="Status"
          name="status"
          value={draft.status}
          onChange={(status) => set({ status })}
          options={[['', 'Any status'], ...RECORD_STATUSES.map((s): [string, string] => [s, s])]}
        />
        <SelectField
          label="Model"
          name="model"
          value={draft.model}
          onChange={(model) => set({ model })}
          options={[['', 'Any model'], ...(mappings.data ?? []).map((m): [string, string] => [m.model, m.model])]}
        />
        <TextField label="Created from" name="from" type="date" value={draft.from} onChange={(from) => set({ from })} />
        <TextField label="Created to (inclusive)" name="to" type="date" value={draft.to} onChange={(to) => set({ to })} />
        <div className="actions">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setDraft(EMPTY_TASK_FILTERS);
              setApplied(EMPTY_TASK_FILTERS);
              setCursors([null]);
            }}
          >
            Reset
          </button>
        </div>
      </form>
      <ErrorBox error={page.error} />
      {page.loading && !page.data ? (
        <Loading what="Loading tasks" />
      ) : !page.data || page.data.items.length === 0 ? (
        <Empty>No task matches these filters.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Tasks, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Tenant</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Output</th>
                <th scope="col">Charged</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((t) => (
                <tr key={t.id}>
                  <th scope="row" className="mono">
                    <a href={`#/tasks/${encodeURIComponent(t.task_id ?? t.id)}`}>{t.task_id ?? t.id}</a>
                    {t.hidden_by_tenant && <span className="badge">deleted by tenant</span>}
                  </th>
                  <td>{names.get(t.tenant_id) ?? t.tenant_id}</td>
                  <td>{t.model}</td>
                  <td>
                    <span className={`badge ${t.status}`}>{t.status}</span>
                    {t.error_code && <div className="muted">{t.error_code}</div>}
                  </td>
                  <td>{[t.resolution, t.ratio, t.duration ? `${t.duration}s` : null].filter(Boolean).join(' · ') || '—'}</td>
                  <td className="num">{formatUsd(t.amount_usd)}</td>
                  <td>{formatTime(t.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CursorPager label="Task log pages" cursors={cursors} onCursors={setCursors} next={page.data?.next_cursor} />
    </section>
  );
}

export function TaskDetailPage({ id }: { id: string }) {
  const task = useData(() => get<TaskRecord>(`/admin/tasks/${encodeURIComponent(id)}`), [id]);
  const t = task.data;
  return (
    <section aria-labelledby="page-title">
      <p>
        <a href="#/tasks">← Task log</a>
      </p>
      <h1 id="page-title" className="mono">
        {id}
      </h1>
      <ErrorBox error={task.error} />
      {task.loading && !t ? (
        <Loading what="Loading the task" />
      ) : t ? (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <span className={`badge ${t.status}`}>{t.status}</span> {t.error_code ?? ''}
            </dd>
            <dt>Tenant</dt>
            <dd className="mono">{t.tenant_id}</dd>
            <dt>Record id</dt>
            <dd className="mono">{t.id}</dd>
            <dt>Model</dt>
            <dd>
              {t.model} → <span className="mono">{t.upstream_model}</span>
            </dd>
            <dt>Output</dt>
            <dd>{[t.resolution, t.ratio, t.duration ? `${t.duration}s` : null, t.video_input ? 'video input' : null].filter(Boolean).join(' · ') || '—'}</dd>
            <dt>SKU</dt>
            <dd className="mono">{t.sku ?? '—'}</dd>
            <dt>Tokens</dt>
            <dd>{t.tokens === null || t.tokens === undefined ? '—' : String(t.tokens)}</dd>
            <dt>Charged</dt>
            <dd>
              {formatUsd(t.amount_usd)}
              {t.unit_price_usd_per_million_tokens ? ` at ${formatUsd(t.unit_price_usd_per_million_tokens)} / M tokens` : ''}
            </dd>
            <dt>Created</dt>
            <dd>{formatTime(t.created_at)}</dd>
            <dt>Finished</dt>
            <dd>{formatTime(t.finished_at)}</dd>
            <dt>Request id</dt>
            <dd className="mono">{t.request_id}</dd>
            <dt>Deleted by tenant</dt>
            <dd>{t.hidden_by_tenant ? 'yes' : 'no'}</dd>
          </dl>
          <h2>Sent upstream</h2>
          <Json value={t.upstream_request} />
          <h2>Last upstream state</h2>
          {t.upstream_task ? <Json value={t.upstream_task} /> : <Empty>Not read from upstream yet.</Empty>}
        </>
      ) : null}
    </section>
  );
}
