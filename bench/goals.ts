/**
 * The performance goals (issue 14), checked against one run's rows: each goal, on each engine the run used, is
 * met, missed, or not measured (its scenario was not run, or not at the size the goal names). The bench asserts
 * nothing; this only reads the rows the scenarios wrote.
 */
import type { BenchEngine } from './bench-database';
import type { ReportRow } from './report';

export interface GoalResult {
  id: string;
  goal: string;
  engine: BenchEngine;
  /** What the run measured, phrased for the table. */
  figure: string;
  /** null: not measured in this run (or not at the goal's size). */
  met: boolean | null;
}

/** S4's goal is stated for a tenant with this many tasks; S6's for this many records. */
export const GOAL_LIST_TASKS = 1_000_000;
export const GOAL_EXPORT_RECORDS = 1_000_000;

const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

type Check = (rows: ReportRow[]) => { figure: string; met: boolean | null };

interface Goal {
  id: string;
  goal: string;
  check: Check;
}

const row = (rows: ReportRow[], scenario: string, target: (t: string) => boolean) =>
  rows.find((r) => r.scenario.startsWith(scenario) && target(r.target) && r.validRounds > 0);

const notRun = { figure: 'not measured in this run', met: null };

const GOALS: Goal[] = [
  {
    id: 'S1',
    goal: 'S1 GET finished task, 50 connections: ≥ ×0.70 of bare Nest+Express req/s',
    check: (rows) => {
      const r = row(rows, 'S1', (t) => t === 'gateway');
      const v = num(r?.ratios?.reqPerSecVsB);
      // Baseline E, bare Nest with the stack's passport and throttler guards, is the ceiling of a gateway on this stack.
      const e = num(row(rows, 'S1', (t) => t.startsWith('baseline E'))?.ratios?.reqPerSecVsB);
      const ceiling = e === null ? '' : `; bare Nest + passport + throttler ×${fmt(e, 2)}`;
      return v === null ? notRun : { figure: `×${fmt(v, 2)} (${fmt(r?.reqPerSec)} req/s)${ceiling}`, met: v >= 0.7 };
    },
  },
  {
    id: 'S2 throughput',
    goal: 'S2 create, 50 connections: ≥ ×0.50 of sandbox-direct req/s',
    check: (rows) => {
      const r = row(rows, 'S2', (t) => t === 'gateway');
      const v = num(r?.ratios?.reqPerSecVsC);
      // Baseline D, a bare Nest route forwarding each create, is the ceiling any gateway on this stack has here.
      const d = num(row(rows, 'S2', (t) => t === 'baseline D (bare Nest pass-through)')?.ratios?.reqPerSecVsC);
      const ceiling = d === null ? '' : `; bare Nest pass-through ×${fmt(d, 2)}`;
      return v === null ? notRun : { figure: `×${fmt(v, 2)} (${fmt(r?.reqPerSec)} req/s)${ceiling}`, met: v >= 0.5 };
    },
  },
  {
    id: 'S2 latency',
    goal: 'S2 create, 1 connection: added latency p50 ≤ 2 ms, p99 ≤ 10 ms over sandbox-direct',
    check: (rows) => {
      const r = row(rows, 'S2', (t) => t.startsWith('gateway') && t.includes('1 connection'));
      const p50 = num(r?.ratios?.addedP50Ms);
      const p99 = num(r?.ratios?.addedP99Ms);
      if (p50 === null || p99 === null) return notRun;
      const d = row(rows, 'S2', (t) => t === 'baseline D (bare Nest pass-through), 1 connection');
      const dP50 = num(d?.ratios?.addedP50Ms);
      const dP99 = num(d?.ratios?.addedP99Ms);
      const ceiling = dP50 === null || dP99 === null ? '' : `; bare Nest pass-through +${fmt(dP50, 1)} / +${fmt(dP99, 1)} ms`;
      return { figure: `+${fmt(p50, 1)} ms p50, +${fmt(p99, 1)} ms p99${ceiling}`, met: p50 <= 2 && p99 <= 10 };
    },
  },
  {
    id: 'S4 latency',
    goal: `S4 list page 1 + status filter, ${GOAL_LIST_TASKS.toLocaleString('en')} tasks, 1 connection: p50 ≤ 10 ms`,
    check: (rows) => listCheck(rows, 1, (r) => ({ figure: `p50 ${fmt(r.p50, 1)} ms`, met: r.p50 !== null && r.p50 <= 10 })),
  },
  {
    id: 'S4 throughput',
    goal: `S4 list page 1 + status filter, ${GOAL_LIST_TASKS.toLocaleString('en')} tasks, 50 connections: ≥ 500 req/s`,
    check: (rows) => listCheck(rows, 50, (r) => ({ figure: `${fmt(r.reqPerSec)} req/s`, met: r.reqPerSec !== null && r.reqPerSec >= 500 })),
  },
  {
    id: 'S5',
    goal: 'S5 sync, 10,000 in flight: settlement lag p99 ≤ 2 poll intervals after the upstream finish',
    check: (rows) => {
      const r = rows.find((x) => x.scenario.startsWith('S5') && num(x.ratios?.lagPerIntervalP99) !== null && x.validRounds > 0);
      const v = num(r?.ratios?.lagPerIntervalP99);
      if (!r || v === null) return notRun;
      const tasks = num(r.details?.tasks);
      const figure = `p99 ×${fmt(v, 2)} of the poll interval (lag p99 ${fmt(r.p99)} ms${tasks === null ? '' : `, ${tasks} tasks`})`;
      if (tasks === null || tasks < 10_000) return { figure: `${figure} — not at 10,000 tasks`, met: null };
      return { figure, met: v <= 2 };
    },
  },
  ...(['csv', 'ndjson'] as const).map((format): Goal => ({
    id: `S6 ${format}`,
    goal: `S6 ${format} export, ${GOAL_EXPORT_RECORDS.toLocaleString('en')} records: ≥ 100k rows/s, the same at 1/10 of them; peak RSS growth ≤ 64 MB`,
    check: (rows) => {
      const runs = rows
        .filter((r) => r.scenario.startsWith('S6') && r.details?.format === format)
        .map((r) => ({ records: num(r.details?.records) ?? 0, rowsPerSec: num(r.details?.rowsPerSec), growth: num(r.details?.rssDeltaMb) }))
        .sort((a, b) => a.records - b.records);
      if (runs.length < 2) return notRun;
      const small = runs[0];
      const large = runs[runs.length - 1];
      if (large.rowsPerSec === null || small.rowsPerSec === null || large.growth === null) return notRun;
      const same = large.rowsPerSec / small.rowsPerSec;
      const figure =
        `${fmt(large.rowsPerSec)} rows/s at ${large.records} (${fmt(small.rowsPerSec)} at ${small.records}: ×${fmt(same, 2)}); ` +
        `RSS +${fmt(large.growth)} MB`;
      if (large.records < GOAL_EXPORT_RECORDS) return { figure: `${figure} — not at ${GOAL_EXPORT_RECORDS} records`, met: null };
      // "The same": within 10% of the rate at a tenth of the records.
      return { figure, met: large.rowsPerSec >= 100_000 && small.rowsPerSec >= 100_000 && same >= 0.9 && large.growth <= 64 };
    },
  })),
];

function listCheck(rows: ReportRow[], connections: number, verdict: (r: ReportRow) => { figure: string; met: boolean }) {
  const r = rows.find((x) => x.scenario.startsWith('S4') && num(x.details?.connections) === connections && x.validRounds > 0);
  if (!r) return notRun;
  const tasks = num(r.details?.tasks);
  const v = verdict(r);
  if (tasks === null || tasks < GOAL_LIST_TASKS) return { figure: `${v.figure} at ${tasks ?? '?'} tasks`, met: null };
  return v;
}

export function evaluateGoals(rows: ReportRow[], engines: BenchEngine[]): GoalResult[] {
  const results: GoalResult[] = [];
  for (const goal of GOALS) {
    for (const engine of engines) {
      const mine = rows.filter((r) => (r.engine ?? 'SQLite') === engine);
      results.push({ id: goal.id, goal: goal.goal, engine, ...goal.check(mine) });
    }
  }
  return results;
}

export function renderGoals(results: GoalResult[]): string[] {
  const lines = ['## Goals (issue 14)', '', '| Goal | DB | Measured | |', '|---|---|---|---|'];
  for (const g of results) lines.push(`| ${g.goal} | ${g.engine} | ${g.figure} | ${g.met === null ? '—' : g.met ? 'met' : 'missed'} |`);
  lines.push('');
  return lines;
}
