/**
 * Times every statement the gateway sends through TypeORM's query runners (PostgreSQL and better-sqlite3): wall time
 * from the call to its answer, grouped by the statement's shape (literals and placeholders as `?`). For the profiles of
 * bench/profiles/*.md: `profile-create-statements.ts`, and `npm run bench` with BENCH_STATEMENT_TIMES=1 (a table per
 * scenario in the log). Statements run on better-sqlite3 directly (RowReader on SQLite) are not seen.
 */
import { performance } from 'node:perf_hooks';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { BetterSqlite3QueryRunner } from 'typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner';

const stats = new Map<string, { n: number; ms: number }>();
let installed = false;
let recording = false;

function shape(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/'[^']*'/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+\b/g, '?')
    .replace(/(\?, )+\?/g, '?, …')
    .replace(/(\(\?, …\), )+\(\?, …\)/g, '(?, …), …')
    .slice(0, 140);
}

function install(): void {
  if (installed) return;
  installed = true;
  type Runner = { prototype: { query: (...a: unknown[]) => Promise<unknown> } };
  for (const Runner of [PostgresQueryRunner, BetterSqlite3QueryRunner] as unknown as Runner[]) {
    const original = Runner.prototype.query;
    Runner.prototype.query = async function (this: unknown, ...args: unknown[]) {
      if (!recording) return original.apply(this, args);
      const t0 = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        const key = shape(String(args[0]));
        const s = stats.get(key) ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += performance.now() - t0;
        stats.set(key, s);
      }
    };
  }
}

/** Starts (or restarts) counting, from empty. */
export function startStatementTimer(): void {
  install();
  stats.clear();
  recording = true;
}

/** Stops counting; the table of what was counted, largest total first, per `unit` (e.g. per create) when given. */
export function statementReport(unit?: { name: string; count: number }, top = 25): string {
  recording = false;
  const per = unit ? unit.count : 1;
  const lines: string[] = [];
  let sum = 0;
  const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
  for (const [, s] of rows) sum += s.ms;
  for (const [key, s] of rows.slice(0, top)) {
    const total = unit ? `${(s.ms / per).toFixed(3)} ms/${unit.name}` : `${s.ms.toFixed(0)} ms total`;
    const count = unit ? `${(s.n / per).toFixed(2)}×` : `${s.n}×`;
    lines.push(`${total.padStart(18)}  ${count.padStart(8)}  ${(s.ms / s.n).toFixed(3).padStart(8)} ms each  ${key}`);
  }
  lines.push(`all statements: ${unit ? `${(sum / per).toFixed(2)} ms/${unit.name}` : `${sum.toFixed(0)} ms`}`);
  return lines.join('\n');
}
