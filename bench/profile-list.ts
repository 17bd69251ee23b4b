/**
 * S4 on a database kept between runs: one tenant with N finished tasks, seeded once by set-based SQL (a million rows in
 * seconds, where bench/seed-tasks.ts takes minutes), so the list can be measured and profiled again after each change,
 * and a database seeded by an older tree can be opened by a newer one (its migrations run on the million rows: their
 * time is printed). For each connection count it loads the list page under autocannon (a separate process) while the
 * gateway's CPU is profiled in this process (node:inspector), prints req/s, p50, p99 and the top frames, and prints
 * the plans of the page and count queries.
 *
 *   LIST_DB=/tmp/list.sqlite npx ts-node -r tsconfig-paths/register --transpile-only bench/profile-list.ts
 *   LIST_DB=postgres://postgres@127.0.0.1:5432/test#list_s4 …   (a schema, made if missing)
 *
 * LIST_ROWS (1000000), LIST_CONNECTIONS (1,50), LIST_SECONDS (5 per connection count), LIST_PROFILE (0: no CPU profile),
 * LIST_PROFILE_DIR (where the .cpuprofile files go; default next to the database). The gateway process's CPU time per
 * request (process.cpuUsage over the load) is printed too: unlike req/s, it holds on a loaded machine.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../src/config/app-config';
import { LoadGenerator } from './measure';
import { topFramesScript } from './scenario-common';
import { seedFinishedTasksBySql } from './seed-tasks-sql';
import { startBenchSandbox, startGateway, TASKS_PATH } from './targets';

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const target = process.env.LIST_DB ?? '/tmp/arkgate-list.sqlite';
  const rows = Number(process.env.LIST_ROWS ?? 1_000_000);
  const seconds = Number(process.env.LIST_SECONDS ?? 5);
  const connectionCounts = (process.env.LIST_CONNECTIONS ?? '1,50').split(',').map(Number);
  const profiling = process.env.LIST_PROFILE !== '0';
  const database = await databaseOf(target);
  const stateFile = database.type === 'sqlite' ? `${database.path}.json` : `/tmp/arkgate-list-${database.schema}.json`;
  const profileDir = process.env.LIST_PROFILE_DIR ?? dirname(stateFile);
  mkdirSync(profileDir, { recursive: true });

  const sandbox = await startBenchSandbox();
  let started = Date.now();
  const gateway = await startGateway(sandbox, database);
  log(`gateway up (migrations included) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const ds = gateway.app.get(DataSource);
  let state = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { tenantId: string; token: string; rows: number }) : undefined;
  if (!state || state.rows !== rows) {
    const tenant = await gateway.newTenant('bench-list');
    started = Date.now();
    await seedFinishedTasksBySql(ds, tenant.id, rows, log);
    log(`seeded ${rows} tasks by SQL in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    state = { tenantId: tenant.id, token: tenant.token, rows };
    writeFileSync(stateFile, JSON.stringify(state));
  }
  const headers = { authorization: `Bearer ${state.token}` };
  const url = `${gateway.url}${TASKS_PATH}?page_num=1&page_size=20&filter.status=succeeded`;
  let firstId = '';
  for (const path of [url, `${gateway.url}${TASKS_PATH}?page_num=1&page_size=20`]) {
    // The seeding held the event loop: a keep-alive connection from before it may have been closed under the client.
    const res = await fetch(path, { headers }).catch(() => fetch(path, { headers }));
    const page = (await res.json()) as { total?: number; items?: { id: string }[] };
    firstId ||= page.items?.[0]?.id ?? '';
    log(`check ${path.slice(path.indexOf('?'))}: ${res.status}, total=${page.total}, items=${page.items?.length}`);
  }
  await explain(ds, state.tenantId);

  const gen = await LoadGenerator.start();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  try {
    await gen.run({ target: 'warm-up', url, headers }, 1, 2);
    for (const connections of connectionCounts) {
      if (profiling) {
        await post('Profiler.enable');
        await post('Profiler.start');
      }
      const cpu = process.cpuUsage();
      const result = await gen.run({ target: 'list', url, headers }, connections, seconds);
      const used = process.cpuUsage(cpu);
      log(
        `${connections} conn.: ${result.reqPerSec.toFixed(1)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
          `${result.requests} requests, non2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; ` +
          `gateway process CPU ${((used.user + used.system) / 1000 / result.requests).toFixed(2)} ms per request${profiling ? ' (profiler on)' : ''}`,
      );
      if (!profiling) continue;
      const { profile } = await post('Profiler.stop');
      const file = join(profileDir, `s4-${database.type}-${connections}c-${Date.now()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      log(execFileSync('node', [topFramesScript(), file, '15'], { encoding: 'utf8' }));
    }
    if (process.env.LIST_REFERENCE === '1') {
      // The same gateway's GET of one finished task (S1's request), as a yardstick for the list's cost.
      const connections = Math.max(...connectionCounts);
      const cpu = process.cpuUsage();
      const result = await gen.run({ target: 'get', url: `${gateway.url}${TASKS_PATH}/${firstId}`, headers }, connections, seconds);
      const used = process.cpuUsage(cpu);
      log(
        `reference GET of one task, ${connections} conn.: ${result.reqPerSec.toFixed(1)} req/s, p50 ${result.p50} ms, non2xx ${result.non2xx}; ` +
          `gateway process CPU ${((used.user + used.system) / 1000 / result.requests).toFixed(2)} ms per request`,
      );
    }
  } finally {
    session.disconnect();
    await gen.close();
    await gateway.close();
    await sandbox.close();
  }
}

async function databaseOf(target: string): Promise<DatabaseConfig> {
  if (!target.startsWith('postgres')) return { type: 'sqlite', path: target };
  const [url, schema = 'list_s4'] = target.split('#');
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await client.end();
  return { type: 'postgres', url, schema };
}

/** The plans of the page and count queries, as the engine chose them. */
async function explain(ds: DataSource, tenantId: string): Promise<void> {
  const pg = ds.options.type === 'postgres';
  const p = (n: number) => (pg ? `$${n}` : '?');
  const visible = "('queued', 'running', 'succeeded', 'failed', 'expired', 'cancelled')";
  const queries: [string, string, unknown[]][] = [
    [
      'page, status filter',
      `SELECT * FROM tasks WHERE tenant_id = ${p(1)} AND hidden_at IS NULL AND status = ${p(2)} ORDER BY created_at DESC, id DESC LIMIT 20`,
      [tenantId, 'succeeded'],
    ],
    [
      'page, no filter',
      `SELECT * FROM tasks WHERE tenant_id = ${p(1)} AND hidden_at IS NULL AND status IN ${visible} ORDER BY created_at DESC, id DESC LIMIT 20`,
      [tenantId],
    ],
    [
      'count, status filter',
      `SELECT COUNT(DISTINCT id) FROM tasks WHERE tenant_id = ${p(1)} AND hidden_at IS NULL AND status = ${p(2)}`,
      [tenantId, 'succeeded'],
    ],
  ];
  const hasCounts = await ds.query<{ t: string | null }[]>(
    pg ? "SELECT to_regclass('task_counts') AS t" : "SELECT name AS t FROM sqlite_master WHERE name = 'task_counts'",
  );
  if (hasCounts[0]?.t) {
    queries.push([
      'counters, status filter',
      `SELECT COALESCE(SUM(n), 0) FROM task_counts WHERE tenant_id = ${p(1)} AND status IN (${p(2)})`,
      [tenantId, 'succeeded'],
    ]);
  }
  for (const [name, sql, params] of queries) {
    const plan = await ds.query<Record<string, unknown>[]>(`${pg ? 'EXPLAIN (ANALYZE, BUFFERS OFF)' : 'EXPLAIN QUERY PLAN'} ${sql}`, params);
    log(`plan of ${name}:\n${plan.map((r) => `    ${String(pg ? r['QUERY PLAN'] : r.detail)}`).join('\n')}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
