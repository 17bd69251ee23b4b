/**
 * A CPU profile of the gateway serving S6's export, and nothing else: seeding is left out of the profile.
 *
 * Starts the sandbox and a gateway (background sync off) on a SQLite file or, with BENCH_DATABASE_URL, a fresh
 * PostgreSQL schema; seeds PROFILE_EXPORT_ROWS task records over 4 tenants (each succeeded one with its ledger
 * entry) unless the SQLite file given as PROFILE_EXPORT_DB already holds them; then, for each format, profiles the
 * gateway's process (node:inspector) while `curl` downloads the export to /dev/null, and prints rows/s, the RSS
 * growth and the top frames (bench/top-frames.js). Profiles are written to PROFILE_EXPORT_DIR (default: a temp dir).
 * PROFILE_EXPORT_PG_SCHEMA keeps the PostgreSQL records in that schema between runs (dropped by no one).
 *
 *   PROFILE_EXPORT_ROWS=100000 PROFILE_EXPORT_DB=/tmp/s6.sqlite npx ts-node -r tsconfig-paths/register --transpile-only bench/profile-export.ts
 */
import 'reflect-metadata';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { postgresDatabases } from './bench-database';
import { fullGc, RssSampler } from './memory';
import { ALL_TENANTS } from '../src/common/tenant-identity/tenant-scope';
import { TaskCrossTenantReader } from '../src/tasks/task-cross-tenant.reader';
import { TasksModule } from '../src/tasks/tasks.module';
import { seedTasks } from './seed-tasks';
import { topFramesScript } from './scenario-common';
import { ADMIN_TOKEN, startBenchSandbox, startGateway } from './targets';

async function main(): Promise<void> {
  const rows = Number(process.env.PROFILE_EXPORT_ROWS ?? 100_000);
  const formats = (process.env.PROFILE_EXPORT_FORMATS ?? 'csv,ndjson').split(',');
  const dir = process.env.PROFILE_EXPORT_DIR ?? mkdtempSync(join(tmpdir(), 'arkgate-s6-prof-'));
  mkdirSync(dir, { recursive: true });
  const pg = process.env.BENCH_DATABASE_URL ? postgresDatabases(process.env.BENCH_DATABASE_URL) : null;
  const database = process.env.PROFILE_EXPORT_PG_SCHEMA
    ? { type: 'postgres' as const, url: process.env.BENCH_DATABASE_URL!, schema: process.env.PROFILE_EXPORT_PG_SCHEMA }
    : pg
      ? await pg.fresh('profile_export')
      : { type: 'sqlite' as const, path: process.env.PROFILE_EXPORT_DB ?? join(dir, 'export.sqlite') };
  if (database.type === 'postgres' && process.env.PROFILE_EXPORT_PG_SCHEMA) {
    // A schema kept between runs (seeded once), made here the first time.
    const client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${database.schema}"`);
    await client.end();
  }
  const sandbox = await startBenchSandbox();
  const gateway = await startGateway(sandbox, database, { ARKGATE_SYNC_ENABLED: 'false' });
  try {
    const ds = gateway.app.get(DataSource);
    const count = async () => Number((await ds.query<{ n: string | number }[]>('SELECT COUNT(*) AS n FROM tasks'))[0].n);
    const n = await count();
    if (n < rows) {
      const tenants = 4;
      for (let k = 1; k <= tenants; k++) {
        const tenant = await gateway.newTenant(`profile-export-${k}`);
        await seedTasks(ds, tenant.id, Math.ceil((rows - n) / tenants), () => undefined, { ledger: true });
      }
      console.log(`seeded ${rows - n} records`);
    }
    const total = await count();
    // The plan of a page in the middle of the walk, as each engine runs it.
    const reader = gateway.app.select(TasksModule).get(TaskCrossTenantReader);
    const [{ mid }] = await ds.query<{ mid: string | number }[]>('SELECT MIN(created_at) + (MAX(created_at) - MIN(created_at)) / 2 AS mid FROM tasks');
    // A page's records, then the charges of their range (each engine the same two reads).
    const middle = { createdAt: Number(mid), id: '' };
    const statements = [
      reader.exportRecordsQuery(ALL_TENANTS, {}, middle, 1000).getQueryAndParameters(),
      reader.exportChargesQuery(ALL_TENANTS, {}, middle, { createdAt: Number(mid) + 60_000, id: '' }, 1000)!.getQueryAndParameters(),
    ];
    const explain = database.type === 'postgres' ? 'EXPLAIN (ANALYZE, BUFFERS)' : 'EXPLAIN QUERY PLAN';
    for (const [sql, params] of statements) {
      const plan = await ds.query<Record<string, unknown>[]>(`${explain} ${sql}`, params);
      console.log(`plan of a page:\n${plan.map((r) => `  ${String(r['QUERY PLAN'] ?? r.detail)}`).join('\n')}`);
    }
    const session = new Session();
    session.connect();
    const post = (method: string, params?: object) =>
      new Promise<any>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
    await post('Profiler.enable');
    for (const format of formats) {
      fullGc();
      const sampler = await RssSampler.start(50);
      // The main thread's own view, between pages: heap and what Buffers hold outside it.
      const base = process.memoryUsage();
      const top = { heapUsed: 0, external: 0, arrayBuffers: 0 };
      const sampling = setInterval(() => {
        const m = process.memoryUsage();
        for (const k of ['heapUsed', 'external', 'arrayBuffers'] as const) top[k] = Math.max(top[k], m[k] - base[k]);
      }, 20);
      const heap = process.env.PROFILE_EXPORT_HEAP === '1';
      // PROFILE_EXPORT_HEAP=1: where the garbage that reaches the old generation is allocated (a sampling heap
      // profile that keeps the objects a full GC collected), instead of the CPU profile.
      if (heap) {
        await post('HeapProfiler.enable');
        await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true });
      } else await post('Profiler.start');
      const started = performance.now();
      // curl runs in its own process; the event loop here stays free to serve it.
      await new Promise<void>((resolve, reject) => {
        const child = spawn('curl', [
          '-sf',
          '-o',
          '/dev/null',
          '-H',
          `Authorization: Bearer ${ADMIN_TOKEN}`,
          `${gateway.url}/audit/tasks/export?format=${format}`,
        ]);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`curl exited ${code}`))));
      });
      const ms = performance.now() - started;
      const { profile } = await post(heap ? 'HeapProfiler.stopSampling' : 'Profiler.stop');
      const rss = await sampler.stop();
      clearInterval(sampling);
      const file = join(dir, `export-${format}-${total}.${heap ? 'heapprofile' : 'cpuprofile'}`);
      writeFileSync(file, JSON.stringify(profile));
      console.log(
        `${format}: ${total} records in ${(ms / 1000).toFixed(2)} s = ${Math.round(total / (ms / 1000))} rows/s; ` +
          `RSS ${rss.startMb.toFixed(0)} → peak ${rss.peakMb.toFixed(0)} MB (+${(rss.peakMb - rss.startMb).toFixed(0)} MB); ` +
          `growth seen between pages: heap +${(top.heapUsed / 2 ** 20).toFixed(0)} MB, external +${(top.external / 2 ** 20).toFixed(0)} MB ` +
          `(ArrayBuffers +${(top.arrayBuffers / 2 ** 20).toFixed(0)} MB); profile ${file}`,
      );
      if (heap) {
        console.log(topAllocations(profile.head, Number(process.env.PROFILE_EXPORT_TOP ?? '25')));
        continue;
      }
      console.log(execFileSync(process.execPath, [topFramesScript(), file, process.env.PROFILE_EXPORT_TOP ?? '25'], { encoding: 'utf8' }));
    }
    session.disconnect();
  } finally {
    await gateway.close();
    await sandbox.close();
    await pg?.dispose();
  }
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** The allocation sites of a sampling heap profile by bytes, each with the two frames that called it. */
function topAllocations(head: HeapNode, n: number): string {
  const sites = new Map<string, number>();
  let total = 0;
  const name = (node: HeapNode) =>
    `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
  const walk = (node: HeapNode, path: string[]) => {
    const here = [...path, name(node)];
    if (node.selfSize > 0) {
      const key = here.slice(-3).reverse().join(' ← ');
      sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) walk(child, here);
  };
  walk(head, []);
  return (
    `${(total / 2 ** 20).toFixed(1)} MB allocated and not collected by a scavenge (promoted, or alive at the end)\n` +
    [...sites]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([site, bytes]) => `${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${(bytes / 2 ** 20).toFixed(1).padStart(7)} MB  ${site}`)
      .join('\n')
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
