/** The benchmark's report: its shape (also written as JSON) and its markdown rendering. */
import type { BenchEngine } from './bench-database';
import { type GoalResult, renderGoals } from './goals';
import type { MeasureSettings, RoundResult } from './measure';

export interface ReportRow {
  scenario: string;
  /** The database engine the gateway ran on. */
  engine?: BenchEngine;
  target: string;
  /** Requests per second, or what `unit` says (e.g. settled tasks or exported rows per second). */
  reqPerSec: number | null;
  /** Unit of `reqPerSec` when it is not requests per second; shown in the cell. */
  unit?: string;
  p50: number | null;
  p99: number | null;
  /** Ratio to a baseline or latency added over it, already phrased for the table. */
  comparison: string;
  validRounds: number;
  totalRounds: number;
  rounds: RoundResult[];
  /** Numbers behind `comparison`, for the JSON. */
  ratios?: Record<string, number | null>;
  /** Scenario-specific measurements (S5, S6), for the JSON. */
  details?: Record<string, unknown>;
}

export interface Report {
  title: string;
  quick: boolean;
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  platform: string;
  commit: string;
  /** The engines every scenario ran on, in order. */
  engines: BenchEngine[];
  settings: MeasureSettings & { scenarios: string[]; listRows: number; rates: number[]; pollerTasks?: number; exportRows?: number; lostAnswerCreates?: number };
  peakRssMb: number;
  rssAfterScenarioMb: Record<string, number>;
  rows: ReportRow[];
  notes: string[];
  invalidRounds: string[];
  /** Each goal of issue 14 on each engine: met, missed or not measured in this run. */
  goals?: GoalResult[];
  /** Checks of S5 and S6 that failed (counts that do not add up). */
  verificationFailures?: string[];
}

const num = (v: number | null, digits = 0) => (v === null ? 'n/a' : v.toFixed(digits));
/** Whole milliseconds as they are; fractions (paced runs, medians) to one decimal. */
const ms = (v: number | null) => (v === null ? 'n/a' : Number.isInteger(v) ? String(v) : v.toFixed(1));

export function renderMarkdown(r: Report): string {
  const lines: string[] = [];
  lines.push(`# ${r.title}`, '');
  if (r.quick) lines.push('**Quick mode (BENCH_QUICK=1): a smoke test of the benchmark itself, not a measurement.**', '');
  lines.push(
    `- Date: ${r.date}`,
    `- Commit: ${r.commit}`,
    `- Node ${r.node} on ${r.platform}, ${r.cpus} CPU(s) (${r.cpuModel})`,
    `- Settings: ${r.settings.connections} connections, warm-up ${r.settings.warmupS} s, ${r.settings.rounds} interleaved round(s) of ${r.settings.durationS} s, median of valid rounds; scenarios ${r.settings.scenarios.join(', ')}` +
      (r.settings.pollerTasks !== undefined ? `; S5 ${r.settings.pollerTasks} in-flight tasks` : '') +
      (r.settings.exportRows !== undefined ? `; S6 ${r.settings.exportRows} task records` : ''),
    `- Peak RSS of the bench process (gateway, sandbox and baselines; not the load generator): ${r.peakRssMb.toFixed(0)} MB` +
      ` (RSS after ${Object.entries(r.rssAfterScenarioMb)
        .map(([k, v]) => `${k} ${v} MB`)
        .join(', ')})`,
    '',
  );
  lines.push(`- Databases: ${r.engines.join(', ')} (each scenario on each, one after the other; the same sandbox and load generator)`, '');
  lines.push('| Scenario | DB | Target | req/s | p50 ms | p99 ms | vs baseline | valid rounds |');
  lines.push('|---|---|---|---:|---:|---:|---|---:|');
  for (const row of r.rows) {
    lines.push(
      `| ${row.scenario} | ${row.engine ?? 'SQLite'} | ${row.target} | ${num(row.reqPerSec)}${row.unit ? ` ${row.unit}` : ''} | ${ms(row.p50)} | ${ms(row.p99)} | ${row.comparison} | ${row.validRounds}/${row.totalRounds} |`,
    );
  }
  lines.push('');
  if (r.goals && r.goals.length > 0) lines.push(...renderGoals(r.goals));
  if (r.verificationFailures && r.verificationFailures.length > 0) {
    lines.push('**VERIFICATION FAILED (the numbers of these rows do not describe a complete run):**', '');
    for (const line of r.verificationFailures) lines.push(`- ${line}`);
    lines.push('');
  }
  if (r.invalidRounds.length > 0) {
    lines.push('**Invalid rounds (non-2xx answers or errors; left out of the medians):**', '');
    for (const line of r.invalidRounds) lines.push(`- ${line}`);
    lines.push('');
  }
  if (r.notes.length > 0) {
    lines.push('Notes:', '');
    for (const note of r.notes) lines.push(`- ${note}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** `a / b`, or null when either is missing or b is 0. */
export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

export function difference(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

export const times = (v: number | null) => (v === null ? 'n/a' : `×${v.toFixed(v < 0.1 ? 3 : 2)}`);
export const plusMs = (v: number | null) => (v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(0)} ms`);
