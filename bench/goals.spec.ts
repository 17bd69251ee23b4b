import { evaluateGoals, renderGoals } from './goals';
import type { ReportRow } from './report';

const base = { p50: null, p99: null, comparison: '', validRounds: 1, totalRounds: 1, rounds: [] };
const row = (over: Partial<ReportRow> & Pick<ReportRow, 'scenario' | 'target'>): ReportRow => ({ reqPerSec: null, ...base, ...over });

describe('evaluateGoals', () => {
  it('marks each goal met, missed or not measured, per engine', () => {
    const rows: ReportRow[] = [
      row({ scenario: 'S1 GET finished task', target: 'gateway', engine: 'SQLite', reqPerSec: 4000, ratios: { reqPerSecVsB: 0.71 } }),
      row({ scenario: 'S1 GET finished task', target: 'gateway', engine: 'PostgreSQL', reqPerSec: 2000, ratios: { reqPerSecVsB: 0.4 } }),
      row({ scenario: 'S2 task create', target: 'gateway, 1 connection', engine: 'SQLite', ratios: { addedP50Ms: 1.5, addedP99Ms: 12 } }),
      row({ scenario: 'S4 list page 1, status filter', target: 'x', engine: 'SQLite', p50: 4, details: { connections: 1, tasks: 1_000_000 } }),
      row({ scenario: 'S4 list page 1, status filter', target: 'y', engine: 'SQLite', reqPerSec: 900, details: { connections: 50, tasks: 200_000 } }),
      row({
        scenario: 'S5 background sync',
        target: '10000 tasks',
        engine: 'SQLite',
        p99: 3000,
        ratios: { lagPerIntervalP99: 1.5 },
        details: { tasks: 10_000 },
      }),
      row({
        scenario: 'S5 background sync',
        target: '3000 tasks',
        engine: 'PostgreSQL',
        p99: 9000,
        ratios: { lagPerIntervalP99: 4.5 },
        details: { tasks: 3000 },
      }),
    ];
    const results = evaluateGoals(rows, ['SQLite', 'PostgreSQL']);
    const verdict = (id: string, engine: string) => results.find((r) => r.id === id && r.engine === engine)?.met;
    expect(verdict('S1', 'SQLite')).toBe(true);
    expect(verdict('S1', 'PostgreSQL')).toBe(false);
    expect(verdict('S2 latency', 'SQLite')).toBe(false); // p99 over 10 ms
    expect(verdict('S2 throughput', 'SQLite')).toBeNull();
    expect(verdict('S4 latency', 'SQLite')).toBe(true);
    expect(verdict('S4 throughput', 'SQLite')).toBeNull(); // measured at 200k tasks only
    expect(results.find((r) => r.id === 'S4 throughput' && r.engine === 'SQLite')?.figure).toContain('at 200000 tasks');
    expect(verdict('S5', 'SQLite')).toBe(true);
    expect(verdict('S5', 'PostgreSQL')).toBeNull(); // not at 10,000 tasks
  });

  it('S1: the figure carries baseline E (bare Nest with the stack’s guards) of the same run, which does not change the verdict', () => {
    const results = evaluateGoals(
      [
        row({ scenario: 'S1 GET finished task', target: 'gateway', engine: 'SQLite', reqPerSec: 2272, ratios: { reqPerSecVsB: 0.48 } }),
        row({ scenario: 'S1 GET finished task', target: 'baseline E (B + passport bearer + throttler)', engine: 'SQLite', ratios: { reqPerSecVsB: 0.75 } }),
      ],
      ['SQLite'],
    );
    expect(results.find((r) => r.id === 'S1')).toMatchObject({ met: false, figure: '×0.48 (2272 req/s); bare Nest + passport + throttler ×0.75' });
  });

  it('S2: the figures carry the bare Nest pass-through (baseline D) of the same run, which does not change the verdict', () => {
    const results = evaluateGoals(
      [
        row({ scenario: 'S2 task create', target: 'gateway', engine: 'SQLite', reqPerSec: 90, ratios: { reqPerSecVsC: 0.06 } }),
        row({ scenario: 'S2 task create', target: 'baseline D (bare Nest pass-through)', engine: 'SQLite', reqPerSec: 600, ratios: { reqPerSecVsC: 0.4 } }),
        row({ scenario: 'S2 task create', target: 'gateway, 1 connection', engine: 'SQLite', ratios: { addedP50Ms: 9, addedP99Ms: 30 } }),
        row({
          scenario: 'S2 task create',
          target: 'baseline D (bare Nest pass-through), 1 connection',
          engine: 'SQLite',
          ratios: { addedP50Ms: 0.4, addedP99Ms: 1.2 },
        }),
      ],
      ['SQLite'],
    );
    const throughput = results.find((r) => r.id === 'S2 throughput');
    expect(throughput?.met).toBe(false);
    expect(throughput?.figure).toBe('×0.06 (90 req/s); bare Nest pass-through ×0.40');
    const latency = results.find((r) => r.id === 'S2 latency');
    expect(latency?.met).toBe(false);
    expect(latency?.figure).toBe('+9.0 ms p50, +30.0 ms p99; bare Nest pass-through +0.4 / +1.2 ms');
  });

  it('S6: the rate at N and at N/10 must both pass 100k rows/s and stay within 10%, the RSS growth ≤ 64 MB', () => {
    const s6 = (format: string, records: number, rowsPerSec: number, rssDeltaMb: number) =>
      row({
        scenario: 'S6 audit export',
        target: `${format} export, ${records} records`,
        engine: 'SQLite',
        details: { format, records, rowsPerSec, rssDeltaMb },
      });
    const results = evaluateGoals(
      [s6('csv', 100_000, 120_000, 20), s6('csv', 1_000_000, 115_000, 40), s6('ndjson', 100_000, 150_000, 10), s6('ndjson', 1_000_000, 110_000, 30)],
      ['SQLite'],
    );
    expect(results.find((r) => r.id === 'S6 csv')?.met).toBe(true);
    expect(results.find((r) => r.id === 'S6 ndjson')?.met).toBe(false); // ×0.73 of the rate at 100k
    expect(renderGoals(results).join('\n')).toContain('| met |');
  });

  it('an invalid row does not count', () => {
    const results = evaluateGoals([row({ scenario: 'S1 GET finished task', target: 'gateway', validRounds: 0, ratios: { reqPerSecVsB: 0.9 } })], ['SQLite']);
    expect(results.find((r) => r.id === 'S1')?.met).toBeNull();
  });
});
