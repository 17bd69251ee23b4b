import { exportRowsOf } from './task-export-row';

describe('exportRowsOf (an export page read as arrays)', () => {
  const names = [
    'id',
    'model',
    'status',
    'ratio',
    'duration',
    'sku',
    'tokens',
    'task_id',
    'tenant_id',
    'upstream_model',
    'resolution',
    'has_video_input',
    'created_at',
    'finished_at',
    'safety_identifier',
    'callback_url',
    'hidden_at',
    'error_code',
    'request_id',
    'nano_per_million',
    'amount_nano',
  ];

  it('puts each value under its column, whatever order the query selected the columns in', () => {
    const row = names.map((n) => `v:${n}`);
    const [made] = exportRowsOf(names, [row]);
    expect(made).toEqual(Object.fromEntries(names.map((n) => [n, `v:${n}`])));
    const reversed = [...names].reverse();
    expect(exportRowsOf(reversed, [reversed.map((n) => `v:${n}`)])[0]).toEqual(made);
  });

  it('refuses a page that lacks a column rather than export it empty', () => {
    expect(() =>
      exportRowsOf(
        names.filter((n) => n !== 'amount_nano'),
        [],
      ),
    ).toThrow(/amount_nano/);
  });
});
