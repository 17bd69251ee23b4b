/** Admin: model mappings (set and clear, refusals shown inline) and prices (change, with history from the audit trail). */
import { useState } from 'react';
import { call, get } from '../api';
import { formatTime, formatUsd } from '../format';
import { buildQuery } from '../query';
import type { AuditEvent, ModelMapping, Page, Price } from '../types';
import { Empty, ErrorBox, Field, Loading, useData } from '../ui';

function MappingRow({ m, onSaved }: { m: ModelMapping; onSaved: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (method: 'PUT' | 'DELETE') => {
    setBusy(true);
    setError(undefined);
    try {
      await call(method, `/admin/model-mappings/${encodeURIComponent(m.model)}`, method === 'PUT' ? { upstream_model: value } : undefined);
      setValue('');
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr>
      <th scope="row">
        {m.model}
        {m.filter_off && <span className="badge warn">Filter-Off</span>}
      </th>
      <td className="mono">{m.official_upstream_model ?? '—'}</td>
      <td className="mono">
        {m.upstream_model ?? <em>unmapped</em>} {m.pinned && <span className="badge">pinned</span>}
      </td>
      <td>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void run('PUT');
          }}
        >
          <Field label={`Upstream model for ${m.model}`}>
            {(id) => <input id={id} value={value} onChange={(e) => setValue(e.target.value)} placeholder="model version or ep-…" />}
          </Field>
          <button type="submit" disabled={busy}>
            Set
          </button>
          <button type="button" className="secondary" disabled={busy || !m.pinned} onClick={() => void run('DELETE')}>
            Clear
          </button>
        </form>
        <ErrorBox error={error} />
      </td>
    </tr>
  );
}

export function ModelsPage() {
  const mappings = useData(() => get<ModelMapping[]>('/admin/model-mappings'), []);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Model mappings</h1>
      <p className="muted">
        What each model sends upstream. A pin overrides the official version; clearing it returns a normal model to its official version and a Filter-Off model
        to unmapped.
      </p>
      <ErrorBox error={mappings.error} />
      {mappings.loading && !mappings.data ? (
        <Loading what="Loading model mappings" />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Model mappings</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Official upstream</th>
                <th scope="col">Sent upstream now</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {(mappings.data ?? []).map((m) => (
                <MappingRow key={m.model + (m.updated_at ?? '')} m={m} onSaved={mappings.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function PriceRow({ p, onSaved }: { p: Price; onSaved: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await call('PUT', `/admin/prices/${encodeURIComponent(p.sku)}`, { usd_per_million_tokens: value.trim() });
      setValue('');
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr>
      <th scope="row" className="mono">
        {p.sku}
      </th>
      <td className="num" data-testid={`price-${p.sku}`}>
        {formatUsd(p.usd_per_million_tokens)}
      </td>
      <td>{p.effective_from ? formatTime(p.effective_from) : 'seed price'}</td>
      <td>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Field label={`New price for ${p.sku} (USD per million tokens)`}>
            {(id) => <input id={id} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} placeholder="new price" />}
          </Field>
          <button type="submit" disabled={busy || !value.trim()}>
            Change
          </button>
        </form>
        <ErrorBox error={error} />
      </td>
    </tr>
  );
}

export function PricesPage() {
  const prices = useData(() => get<Price[]>('/admin/prices'), []);
  const history = useData(() => get<Page<AuditEvent>>(`/audit/events${buildQuery({ action: 'admin.price.put', limit: 100 })}`), []);
  const changes = (history.data?.items ?? []).filter((e) => e.outcome?.status === 200);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Prices</h1>
      <p className="muted">
        USD per million tokens for each SKU. A change applies to tasks created from then on; tasks already submitted keep the price they were created under.
      </p>
      <ErrorBox error={prices.error} />
      {prices.loading && !prices.data ? (
        <Loading what="Loading prices" />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Prices in force</caption>
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col">USD / M tokens</th>
                <th scope="col">Effective from</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {(prices.data ?? []).map((p) => (
                <PriceRow
                  key={p.sku + p.effective_from}
                  p={p}
                  onSaved={() => {
                    prices.reload();
                    history.reload();
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>History</h2>
      <ErrorBox error={history.error} />
      {history.loading && !history.data ? (
        <Loading what="Loading price history" />
      ) : changes.length === 0 ? (
        <Empty>No price has been changed since the seed prices.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Price changes, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">SKU</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
                <th scope="col">By token</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((e) => (
                <tr key={e.id}>
                  <td>{formatTime(e.occurred_at)}</td>
                  <td className="mono">{e.target_id}</td>
                  <td className="num">{formatUsd(priceProperty(e.properties, 'previous_usd_per_million_tokens'))}</td>
                  <td className="num">{formatUsd(priceProperty(e.properties, 'usd_per_million_tokens'))}</td>
                  <td className="mono">{e.actor?.token_id ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A price an audit event recorded (a decimal string); nothing when the event has no such property. */
function priceProperty(properties: Record<string, unknown> | null, name: string): string {
  const value = properties?.[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
