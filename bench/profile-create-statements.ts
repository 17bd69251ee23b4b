/**
 * Where one create's time goes at 1 connection: the gateway (SQLite file, or PostgreSQL with BENCH_DATABASE_URL) in
 * front of the bench sandbox, N sequential creates after a warm-up, each statement the gateway sends timed (wall time
 * from the call to its answer, grouped by statement shape) next to the whole request's time.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/profile-create-statements.ts
 *   PROFILE_CREATES=500 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx ts-node … (same file)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { postgresDatabases, sqliteDatabases } from './bench-database';
import { CREATE_BODY } from './scenario-common';
import { startStatementTimer, statementReport } from './statement-timer';
import { startBenchSandbox, startGateway } from './targets';

const N = Number(process.env.PROFILE_CREATES ?? 400);

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL;
  const dbs = url ? postgresDatabases(url) : sqliteDatabases(mkdtempSync(join(tmpdir(), 'create-st-')));
  const sandbox = await startBenchSandbox();
  const gateway = await startGateway(sandbox, await dbs.fresh('create_statements'), { ARKGATE_SYNC_ENABLED: 'false' });
  const { token } = await gateway.newTenant('statements');
  const body = JSON.stringify(CREATE_BODY);
  const create = async () => {
    const res = await fetch(`${gateway.url}/volcark/api/v3/contents/generations/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    if (res.status !== 200) throw new Error(`create answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  for (let i = 0; i < 100; i++) await create();
  startStatementTimer();
  const times: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await create();
    times.push(performance.now() - t);
  }
  const total = performance.now() - t0;
  const report = statementReport({ name: 'create', count: N });
  times.sort((a, b) => a - b);
  console.log(
    `${dbs.engine}: ${N} creates in ${total.toFixed(0)} ms; per create p50 ${times[N >> 1].toFixed(2)} ms, p99 ${times[Math.floor(N * 0.99)].toFixed(2)} ms`,
  );
  console.log(report);
  await gateway.close();
  await dbs.dispose();
  await sandbox.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
