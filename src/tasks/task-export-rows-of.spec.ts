import { exportChargesOf, exportRowsOf } from './task-export-row';

describe('exportRowsOf (an export page read as arrays)', () => {
  const names = [
    'id',
    'status',
    'task_id',
    'descriptor',
    'created_at',
    'finished_at',
    'safety_identifier',
    'callback_url',
    'hidden_at',
    'error_code',
    'request_id',
  ];
  const none = new Map();
  const uncharged = { sku: null, tokens: null, nano_per_million: null, amount_nano: null };

  it('puts each value under its column, whatever order the query selected the columns in', () => {
    const row = names.map((n) => `v:${n}`);
    const [made] = exportRowsOf(names, [row], none);
    expect(made).toEqual({ ...Object.fromEntries(names.map((n) => [n, `v:${n}`])), ...uncharged });
    const reversed = [...names].reverse();
    expect(exportRowsOf(reversed, [reversed.map((n) => `v:${n}`)], none)[0]).toEqual(made);
  });

  it('gives each record the charge of its own id, and none to a record without one', () => {
    const charge = { sku: 'dreamina-seedance-2-0-720p-novideo', tokens: 108900, nano_per_million: 7e9, amount_nano: 762300000 };
    const rows = exportRowsOf(
      names,
      ['r1', 'r2'].map((id) => names.map((n) => (n === 'id' ? id : `v:${n}`))),
      new Map([['r2', charge]]),
    );
    expect(rows[0]).toMatchObject({ id: 'r1', ...uncharged });
    expect(rows[1]).toMatchObject({ id: 'r2', ...charge });
  });

  it('refuses a page that lacks a column rather than export it empty', () => {
    expect(() =>
      exportRowsOf(
        names.filter((n) => n !== 'request_id'),
        [],
        none,
      ),
    ).toThrow(/request_id/);
  });

  it('reads charges by record id, whatever order their columns came in', () => {
    const charges = exportChargesOf(['amount_nano', 'task_ref', 'sku', 'nano_per_million', 'tokens'], [[30, 'r1', 's1', 20, 10]]);
    expect(Object.fromEntries(charges)).toEqual({ r1: { sku: 's1', tokens: 10, nano_per_million: 20, amount_nano: 30 } });
    expect(() => exportChargesOf(['task_ref', 'sku'], [])).toThrow(/tokens/);
  });
});
