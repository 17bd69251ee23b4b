/** Usage (admins and auditors): charged tasks by day as a chart, a breakdown by tenant, model or SKU, and totals. */
import { type FormEvent, useState } from 'react';
import { get, type Role } from '../api';
import { dayOf, formatCount, formatUsd, usdMagnitude } from '../format';
import { type UsageGroup, usagePath } from '../query';
import type { Tenant, Usage, UsageRow } from '../types';
import { Empty, ErrorBox, Loading, SelectField, TextField, useData } from '../ui';

/** Every day of the range with its row (days without charges as zero rows), for an even chart. */
export function fillDays(rows: UsageRow[], from: string, to: string): UsageRow[] {
  const byDay = new Map(rows.map((r) => [r.key, r]));
  const out: UsageRow[] = [];
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = start, n = 0; t <= end && n < 400; t += 86_400_000, n++) {
    const day = dayOf(t);
    out.push(byDay.get(day) ?? { key: day, tasks: 0, tokens: 0, amount_usd: '0' });
  }
  return out;
}

function DayChart({ rows }: { rows: UsageRow[] }) {
  const max = Math.max(...rows.map((r) => usdMagnitude(r.amount_usd)), 0);
  const w = 720;
  const h = 180;
  const bar = w / Math.max(rows.length, 1);
  const label = `Charges by day: ${
    rows
      .filter((r) => r.tasks > 0)
      .map((r) => `${r.key} ${formatUsd(r.amount_usd)}`)
      .join(', ') || 'none in this range'
  }`;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${w} ${h + 20}`} role="img" aria-label={label} preserveAspectRatio="none">
        <line x1="0" y1={h} x2={w} y2={h} className="axis" />
        {rows.map((r, i) => {
          const v = usdMagnitude(r.amount_usd);
          const bh = max > 0 ? Math.max((v / max) * (h - 10), v > 0 ? 2 : 0) : 0;
          return (
            <rect key={r.key} x={i * bar + bar * 0.15} y={h - bh} width={bar * 0.7} height={bh} className="bar">
              <title>{`${r.key}: ${formatUsd(r.amount_usd)}, ${r.tasks} tasks`}</title>
            </rect>
          );
        })}
        {rows.length > 0 && (
          <>
            <text x="0" y={h + 15} className="tick">
              {rows[0].key}
            </text>
            <text x={w} y={h + 15} className="tick" textAnchor="end">
              {rows[rows.length - 1].key}
            </text>
          </>
        )}
      </svg>
      <figcaption>
        Charged USD per day (UTC). Peak: {formatUsd(rows.reduce((m, r) => (usdMagnitude(r.amount_usd) > usdMagnitude(m) ? r.amount_usd : m), '0'))}
      </figcaption>
    </figure>
  );
}

export function UsagePage({ role }: { role: Role }) {
  const today = dayOf(Date.now());
  const initial = { tenant_id: '', from: dayOf(Date.now() - 29 * 86_400_000), to: today };
  const [draft, setDraft] = useState(initial);
  const [applied, setApplied] = useState(initial);
  const [group, setGroup] = useState<UsageGroup>('tenant');
  const tenants = useData(() => (role === 'admin' ? get<Tenant[]>('/admin/tenants') : Promise.resolve([] as Tenant[])), [role]);
  const byDay = useData(() => get<Usage>(usagePath('day', applied)), [applied]);
  const byGroup = useData(() => get<Usage>(usagePath(group, applied)), [applied, group]);
  const names = new Map((tenants.data ?? []).map((t) => [t.id, t.name]));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied(draft);
  };
  const totals = byDay.data?.totals;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Usage</h1>
      <form className="filters" onSubmit={apply} aria-label="Usage filters">
        {role === 'admin' ? (
          <SelectField
            label="Tenant"
            name="tenant_id"
            value={draft.tenant_id}
            onChange={(tenant_id) => setDraft({ ...draft, tenant_id })}
            options={[['', 'All tenants'], ...(tenants.data ?? []).map((t): [string, string] => [t.id, t.name])]}
          />
        ) : (
          <TextField
            label="Tenant id"
            name="tenant_id"
            value={draft.tenant_id}
            onChange={(tenant_id) => setDraft({ ...draft, tenant_id })}
            placeholder="all tenants"
          />
        )}
        <TextField label="From" name="from" type="date" value={draft.from} onChange={(from) => setDraft({ ...draft, from })} />
        <TextField label="To (inclusive)" name="to" type="date" value={draft.to} onChange={(to) => setDraft({ ...draft, to })} />
        <div className="actions">
          <button type="submit">Show usage</button>
        </div>
      </form>
      <ErrorBox error={byDay.error} />
      {byDay.loading && !byDay.data ? (
        <Loading what="Loading usage" />
      ) : totals ? (
        <>
          <div className="totals" aria-label="Totals">
            <div>
              <span className="muted">Charged</span>
              <strong data-testid="usage-total-usd">{formatUsd(totals.amount_usd)}</strong>
            </div>
            <div>
              <span className="muted">Tasks</span>
              <strong data-testid="usage-total-tasks">{formatCount(totals.tasks)}</strong>
            </div>
            <div>
              <span className="muted">Tokens</span>
              <strong>{formatCount(totals.tokens)}</strong>
            </div>
          </div>
          <DayChart rows={fillDays(byDay.data?.items ?? [], applied.from || today, applied.to || today)} />
        </>
      ) : null}
      <h2>Breakdown</h2>
      <div className="toolbar">
        <SelectField
          label="Group by"
          name="group_by"
          value={group}
          onChange={(g) => setGroup(g as UsageGroup)}
          options={[
            ['tenant', 'Tenant'],
            ['model', 'Model'],
            ['sku', 'SKU'],
            ['day', 'Day'],
          ]}
        />
      </div>
      <ErrorBox error={byGroup.error} />
      {byGroup.loading && !byGroup.data ? (
        <Loading what="Loading the breakdown" />
      ) : !byGroup.data || byGroup.data.items.length === 0 ? (
        <Empty>No charged task in this range.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Usage by {group}</caption>
            <thead>
              <tr>
                <th scope="col">{group === 'sku' ? 'SKU' : group[0].toUpperCase() + group.slice(1)}</th>
                <th scope="col">Tasks</th>
                <th scope="col">Tokens</th>
                <th scope="col">Charged</th>
              </tr>
            </thead>
            <tbody>
              {byGroup.data.items.map((r) => (
                <tr key={r.key}>
                  <th scope="row">{group === 'tenant' ? (names.get(r.key) ?? r.key) : r.key}</th>
                  <td className="num">{formatCount(r.tasks)}</td>
                  <td className="num">{formatCount(r.tokens)}</td>
                  <td className="num">{formatUsd(r.amount_usd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
