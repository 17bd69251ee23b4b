/**
 * `npm run bench`: starts the baselines, the BytePlus sandbox and the real gateway on loopback in this
 * process, drives them from a separate load-generator process, and reports a table (stdout,
 * bench/results/*.md and *.json). It reports; it asserts nothing. See bench/README.md.
 */
import 'reflect-metadata';
import type { SandboxHandle } from '@arkgate/sandbox';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../src/config/app-config';
import { postgresDatabases, sqliteDatabases, type BenchDatabases } from './bench-database';
import { exportScenario, type ExportSettings } from './export';
import { lostAnswersScenario, type LostAnswersSettings } from './s7-lost-answers';
import { LoadGenerator, measureInterleaved, probeOnce, type LoadSpec, type MeasureSettings, type TargetSummary } from './measure';
import { processPeakRssMb } from './memory';
import { pollerScenario, type PollerSettings } from './poller';
import { evaluateGoals } from './goals';
import { difference, plusMs, ratio, renderMarkdown, times, type Report, type ReportRow } from './report';
import { CREATE_BODY, type ScenarioOutput } from './scenario-common';
import { seedFinishedTasksBySql } from './seed-tasks-sql';
import { startStatementTimer, statementReport } from './statement-timer';
import { MetricsService } from '../src/observability/metrics.service';
import { startChildGateway } from '../test/support/child-gateway';
import { hostileLoadScenario } from './s8-hostile-load';
import {
  ADMIN_TOKEN,
  startBenchSandbox,
  startNestPassThrough,
  startNestStackBaseline,
  startGateway,
  startNestBaseline,
  startRawBaseline,
  TASKS_PATH,
  type GatewayTarget,
} from './targets';

const SCENARIOS = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9'] as const;
type ScenarioId = (typeof SCENARIOS)[number];
/**
 * The order they run in: S2 last, because every task it creates through the gateway is still in flight
 * for the gateway's background sync, whose catching up would otherwise weigh on whatever runs next
 * (S5 and S6 have gateways of their own, but share this process and its event loop).
 */
const RUN_ORDER: readonly ScenarioId[] = ['S1', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S2'];

interface Settings extends MeasureSettings {
  quick: boolean;
  scenarios: ScenarioId[];
  listRows: number;
  rates: number[];
  poller: PollerSettings;
  export: ExportSettings;
  lostAnswers: LostAnswersSettings;
  /** BENCH_DATABASE_URL: a PostgreSQL server to run every scenario on as well. */
  databaseUrl?: string;
  /** BENCH_ENGINES: the engines to run on (default SQLite, and PostgreSQL with BENCH_DATABASE_URL). */
  engines: ('sqlite' | 'postgres')[];
}

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got ${JSON.stringify(raw)})`);
    return n;
  };
  const scenarios = (env.BENCH_SCENARIOS?.trim() || SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  for (const s of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`BENCH_SCENARIOS: unknown scenario ${s} (known: ${SCENARIOS.join(', ')})`);
  }
  const rates = (env.BENCH_RATES?.trim() || '200,1000').split(',').map((s) => Number(s.trim()));
  if (rates.some((r) => !Number.isSafeInteger(r) || r < 1)) throw new Error(`BENCH_RATES must be positive integers (got ${JSON.stringify(env.BENCH_RATES)})`);
  const pollerTasks = int('BENCH_POLLER_TASKS', quick ? 500 : 10_000);
  const databaseUrl = env.BENCH_DATABASE_URL?.trim() || undefined;
  const engines = (env.BENCH_ENGINES?.trim() || (databaseUrl ? 'sqlite,postgres' : 'sqlite')).split(',').map((e) => e.trim().toLowerCase());
  for (const e of engines) if (e !== 'sqlite' && e !== 'postgres') throw new Error(`BENCH_ENGINES: unknown engine ${e} (known: sqlite, postgres)`);
  if (engines.includes('postgres') && !databaseUrl) throw new Error('BENCH_ENGINES: postgres needs BENCH_DATABASE_URL');
  return {
    engines: engines as Settings['engines'],
    quick,
    ...(databaseUrl ? { databaseUrl } : {}),
    durationS: int('BENCH_DURATION_S', quick ? 2 : 12),
    warmupS: int('BENCH_WARMUP_S', quick ? 1 : 5),
    rounds: int('BENCH_ROUNDS', quick ? 1 : 3),
    connections: int('BENCH_CONNECTIONS', 50),
    scenarios: RUN_ORDER.filter((s) => scenarios.includes(s)),
    listRows: int('BENCH_LIST_ROWS', quick ? 2_000 : 1_000_000),
    rates,
    poller: {
      tasks: pollerTasks,
      rps: int('BENCH_POLLER_RPS', 2000),
      backoffMs: '2000,5000,10000,20000,30000',
      queuedMs: 1000,
      runningMs: 3000,
      budgetRps: 20,
      budgetTasks: quick ? 200 : 1000,
      budgetWindowS: quick ? 5 : 20,
      timeoutS: Math.max(120, Math.ceil(pollerTasks / 20)),
    },
    export: { rows: int('BENCH_EXPORT_ROWS', quick ? 20_000 : 1_000_000), tenants: 4, rounds: int('BENCH_ROUNDS', quick ? 1 : 3) },
    lostAnswers: { creates: int('BENCH_LOST_CREATES', quick ? 200 : 1000), lossEvery: 10, concurrency: 16, timeoutS: 180 },
  };
}

/** `npm run bench` runs this file compiled (dist-bench/bench/run.js, built by `nest build --config bench/nest-cli.json`). */
const COMPILED = extname(__filename) === '.js';

const log = (line: string) => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => bytes / (1024 * 1024);

/** Everything the scenarios share: the running targets and the collected report rows. */
interface Context {
  settings: Settings;
  gen: LoadGenerator;
  sandbox: SandboxHandle;
  gateway: GatewayTarget;
  rows: ReportRow[];
  notes: string[];
  invalidRounds: string[];
  verificationFailures: string[];
  rssAfterScenarioMb: Record<string, number>;
  /** The engine of this pass and where its scenarios get their databases. */
  dbs: BenchDatabases;
  /** The main gateway's database (S1's second gateway opens the same one). */
  database: DatabaseConfig;
  /** Token and finished-task path shared by S1 and S3, made on first use. */
  finished?: { token: string; path: string; body: string };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const jsonBearer = (token: string) => ({ ...bearer(token), 'content-type': 'application/json' });

async function measure(ctx: Context, specs: LoadSpec[]): Promise<TargetSummary[]> {
  return measureInterleaved(ctx.gen, specs, ctx.settings, log, probeOnce);
}

function toRow(ctx: Context, scenario: string, s: TargetSummary, comparison: string, ratios?: ReportRow['ratios']): ReportRow {
  for (const r of s.rounds.filter((x) => !x.valid)) {
    const codes = Object.entries(r.statusCodes)
      .map(([c, n]) => `${c}×${n}`)
      .join(', ');
    ctx.invalidRounds.push(
      `[${ctx.dbs.engine}] ${scenario} ${s.target} round ${r.round}: non2xx=${r.non2xx}, errors=${r.errors}, timeouts=${r.timeouts}, status codes ${codes || 'none'}`,
    );
  }
  return {
    scenario,
    target: s.target,
    reqPerSec: s.reqPerSec,
    p50: s.p50,
    p99: s.p99,
    comparison,
    validRounds: s.validRounds,
    totalRounds: s.rounds.length,
    rounds: s.rounds,
    ratios,
  };
}

/** Creates a task through the gateway and reads it back until the gateway has recorded it as succeeded. */
async function finishedTask(ctx: Context): Promise<NonNullable<Context['finished']>> {
  if (ctx.finished) return ctx.finished;
  const { token } = await ctx.gateway.newTenant('bench-get');
  const created = await fetch(ctx.gateway.url + TASKS_PATH, { method: 'POST', headers: jsonBearer(token), body: JSON.stringify(CREATE_BODY) });
  const { id } = (await created.json()) as { id: string };
  if (created.status !== 200 || !id) throw new Error(`task create answered ${created.status}`);
  const path = `${TASKS_PATH}/${id}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const res = await fetch(ctx.gateway.url + path, { headers: bearer(token) });
    const body = await res.text();
    if (res.status === 200 && (JSON.parse(body) as { status?: string }).status === 'succeeded') {
      ctx.finished = { token, path, body };
      return ctx.finished;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`task ${id} did not reach succeeded`);
}

async function scenarioS1(ctx: Context): Promise<void> {
  log(
    'S1 GET finished task: gateway vs the same gateway without HTTP metrics vs baseline A (node:http) vs baseline B (bare Nest+Express) vs baseline E (B + passport bearer + throttler)',
  );
  const { token, path, body } = await finishedTask(ctx);
  const rawBaseline = await startRawBaseline(Buffer.from(body, 'utf8'));
  const nestBaseline = await startNestBaseline(JSON.parse(body));
  const stackBaseline = await startNestStackBaseline(JSON.parse(body), token);
  // The per-request metrics switched off and on between rounds of the same running gateway: what they cost.
  const metrics = ctx.gateway.app.get(MetricsService);
  const headers = bearer(token);
  let gw: TargetSummary;
  let off: TargetSummary;
  let a: TargetSummary;
  let b: TargetSummary;
  let e: TargetSummary;
  try {
    [gw, off, a, b, e] = await measure(ctx, [
      { target: 'gateway', url: ctx.gateway.url + path, headers, before: () => (metrics.httpEnabled = true) },
      { target: 'gateway without HTTP metrics', url: ctx.gateway.url + path, headers, before: () => (metrics.httpEnabled = false) },
      { target: 'baseline A (node:http)', url: rawBaseline.url + path, headers },
      { target: 'baseline B (bare Nest+Express)', url: nestBaseline.url + path, headers },
      { target: 'baseline E (B + passport bearer + throttler)', url: stackBaseline.url + path, headers },
    ]);
  } finally {
    metrics.httpEnabled = true;
    await Promise.all([rawBaseline.close(), nestBaseline.close(), stackBaseline.close()]);
  }
  const vsA = ratio(gw.reqPerSec, a.reqPerSec);
  const vsB = ratio(gw.reqPerSec, b.reqPerSec);
  const vsUnmetered = ratio(gw.reqPerSec, off.reqPerSec);
  const overhead = vsUnmetered === null ? null : 1 - vsUnmetered;
  const percent = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  ctx.rows.push(
    toRow(ctx, 'S1 GET finished task', gw, `req/s ${times(vsA)} of A, ${times(vsB)} of B; metrics cost ${percent(overhead)} of req/s (goal < 3%)`, {
      reqPerSecVsA: vsA,
      reqPerSecVsB: vsB,
      reqPerSecVsUnmetered: vsUnmetered,
      metricsOverhead: overhead,
      p50VsA: ratio(gw.p50, a.p50),
      p50VsB: ratio(gw.p50, b.p50),
      p99VsA: ratio(gw.p99, a.p99),
      p99VsB: ratio(gw.p99, b.p99),
    }),
    toRow(ctx, 'S1 GET finished task', off, `without HTTP metrics (req/s ${times(ratio(off.reqPerSec, b.reqPerSec))} of B)`, {
      reqPerSecVsB: ratio(off.reqPerSec, b.reqPerSec),
    }),
    toRow(ctx, 'S1 GET finished task', a, 'baseline A'),
    toRow(ctx, 'S1 GET finished task', b, `baseline B (req/s ${times(ratio(b.reqPerSec, a.reqPerSec))} of A)`, {
      reqPerSecVsA: ratio(b.reqPerSec, a.reqPerSec),
    }),
    toRow(ctx, 'S1 GET finished task', e, `baseline E: req/s ${times(ratio(e.reqPerSec, b.reqPerSec))} of B (the most a gateway on this stack reaches here)`, {
      reqPerSecVsB: ratio(e.reqPerSec, b.reqPerSec),
    }),
  );
}

async function scenarioS2(ctx: Context): Promise<void> {
  log(
    'S2 task create: gateway vs the sandbox called directly (baseline C) and a bare Nest pass-through to it (baseline D), at the set connections and at 1 connection',
  );
  const { token } = await ctx.gateway.newTenant('bench-create');
  // Baseline C is a second sandbox like the gateway's upstream, so that it can be emptied every second: called
  // directly it takes over 10,000 tasks a second, all kept in memory, while the gateway's own sandbox keeps the
  // tasks the gateway made for its background sync to find.
  const direct = await startBenchSandbox();
  const emptyDirect = setInterval(() => direct.control.reset(), 1000);
  const passThrough = await startNestPassThrough(direct);
  const gateway = (connections?: number): LoadSpec => ({
    target: connections === 1 ? 'gateway, 1 connection' : 'gateway',
    url: ctx.gateway.url + TASKS_PATH,
    method: 'POST',
    headers: jsonBearer(token),
    body: JSON.stringify(CREATE_BODY),
    ...(connections ? { connections } : {}),
  });
  const sandboxDirect = (connections?: number): LoadSpec => ({
    target: connections === 1 ? 'baseline C (sandbox direct), 1 connection' : 'baseline C (sandbox direct)',
    url: `${direct.dataPlaneUrl}/contents/generations/tasks`,
    method: 'POST',
    headers: jsonBearer(direct.apiKey),
    body: JSON.stringify({ ...CREATE_BODY, model: 'dreamina-seedance-2-0-fast-260128' }),
    ...(connections ? { connections } : {}),
  });
  const nestPassThrough = (connections?: number): LoadSpec => ({
    ...sandboxDirect(connections),
    target: connections === 1 ? 'baseline D (bare Nest pass-through), 1 connection' : 'baseline D (bare Nest pass-through)',
    url: passThrough.url + TASKS_PATH,
  });
  let gwSummary: TargetSummary;
  let directSummary: TargetSummary;
  let passSummary: TargetSummary;
  let gwOne: TargetSummary;
  let directOne: TargetSummary;
  let passOne: TargetSummary;
  try {
    [gwSummary, directSummary, passSummary, gwOne, directOne, passOne] = await measure(ctx, [
      gateway(),
      sandboxDirect(),
      nestPassThrough(),
      gateway(1),
      sandboxDirect(1),
      nestPassThrough(1),
    ]);
  } finally {
    clearInterval(emptyDirect);
    await passThrough.close();
    await direct.close();
  }
  const vsD = ratio(gwSummary.reqPerSec, passSummary.reqPerSec);
  const dVsC = ratio(passSummary.reqPerSec, directSummary.reqPerSec);
  const addedP50 = difference(gwSummary.p50, directSummary.p50);
  const addedP99 = difference(gwSummary.p99, directSummary.p99);
  const vsC = ratio(gwSummary.reqPerSec, directSummary.reqPerSec);
  // At 1 connection nothing queues: the differences are what the gateway adds to one create (goal p50 ≤ 2 ms, p99 ≤ 10 ms).
  const addedOneP50 = difference(gwOne.p50, directOne.p50);
  const addedOneP99 = difference(gwOne.p99, directOne.p99);
  ctx.rows.push(
    toRow(
      ctx,
      'S2 task create',
      gwSummary,
      `added ${plusMs(addedP50)} p50, ${plusMs(addedP99)} p99; req/s ${times(vsC)} of C (goal ≥ ×0.50), ${times(vsD)} of D`,
      {
        addedP50Ms: addedP50,
        addedP99Ms: addedP99,
        reqPerSecVsC: vsC,
        reqPerSecVsD: vsD,
      },
    ),
    toRow(ctx, 'S2 task create', directSummary, 'baseline C'),
    toRow(ctx, 'S2 task create', passSummary, `baseline D: req/s ${times(dVsC)} of C (the most a Nest gateway forwarding each create reaches here)`, {
      reqPerSecVsC: dVsC,
    }),
    toRow(ctx, 'S2 task create', gwOne, `added ${plusMs(addedOneP50)} p50 (goal ≤ 2 ms), ${plusMs(addedOneP99)} p99 (goal ≤ 10 ms) at 1 connection`, {
      addedP50Ms: addedOneP50,
      addedP99Ms: addedOneP99,
      reqPerSecVsC: ratio(gwOne.reqPerSec, directOne.reqPerSec),
    }),
    toRow(ctx, 'S2 task create', directOne, 'baseline C at 1 connection'),
    toRow(
      ctx,
      'S2 task create',
      passOne,
      `baseline D at 1 connection: added ${plusMs(difference(passOne.p50, directOne.p50))} p50, ${plusMs(difference(passOne.p99, directOne.p99))} p99 over C`,
      { addedP50Ms: difference(passOne.p50, directOne.p50), addedP99Ms: difference(passOne.p99, directOne.p99) },
    ),
  );
}

async function scenarioS3(ctx: Context): Promise<void> {
  const { rates } = ctx.settings;
  log(`S3 fixed-rate GET finished task on the gateway at ${rates.join(' and ')} req/s (autocannon overallRate, then paced open loop)`);
  const { token, path } = await finishedTask(ctx);
  const spec = (rate: number, paced: boolean): LoadSpec => ({
    target: `gateway @ ${rate} req/s, ${paced ? 'paced open loop' : 'autocannon overallRate'}`,
    url: ctx.gateway.url + path,
    headers: bearer(token),
    overallRate: rate,
    paced,
  });
  const summaries = await measure(ctx, [...rates.map((r) => spec(r, false)), ...rates.map((r) => spec(r, true))]);
  for (const s of summaries) {
    const achieved = ratio(s.reqPerSec, s.overallRate ?? null);
    ctx.rows.push(toRow(ctx, 'S3 fixed-rate GET', s, `achieved ${times(achieved)} of the set rate`, { achievedOfSetRate: achieved }));
  }
}

async function scenarioS4(ctx: Context): Promise<void> {
  const n = ctx.settings.listRows;
  log(`S4 list page 1 with filter.status=succeeded over a tenant with ${n} tasks`);
  const tenant = await ctx.gateway.newTenant('bench-list');
  // By SQL (the same rows as seedTasks): a million in about a minute instead of many.
  const seeded = await seedFinishedTasksBySql(ctx.gateway.app.get(DataSource), tenant.id, n, log);
  const matching = seeded.byStatus.succeeded ?? 0;
  ctx.notes.push(
    `S4: ${n} tasks seeded in ${seeded.seconds.toFixed(1)} s (${(n / seeded.seconds).toFixed(0)} rows/s), ${matching} of them succeeded (the filter's matches).`,
  );
  const url = `${ctx.gateway.url}${TASKS_PATH}?page_num=1&page_size=20&filter.status=succeeded`;
  const check = await fetch(url, { headers: bearer(tenant.token) });
  const page = (await check.json()) as { items?: unknown[]; total?: number };
  if (check.status !== 200 || page.total !== matching || page.items?.length !== Math.min(20, matching)) {
    log(`  !! list answered ${check.status} with total=${page.total} and ${page.items?.length} items; expected total=${matching}`);
  }
  // The goal has two rows: latency at 1 connection (p50) and throughput at the set connection count.
  for (const connections of [...new Set([1, ctx.settings.connections])]) {
    const spec = { target: `gateway list (${n} tasks, ${connections} conn.)`, url, headers: bearer(tenant.token) };
    const [list] = await measureInterleaved(ctx.gen, [spec], { ...ctx.settings, connections }, log, probeOnce);
    ctx.rows.push({ ...toRow(ctx, `S4 list page 1, status filter, ${connections} conn.`, list, '—'), details: { connections, tasks: n } });
  }
}

function addOutput(ctx: Context, out: ScenarioOutput): void {
  ctx.rows.push(...out.rows);
  ctx.notes.push(...out.notes);
  ctx.verificationFailures.push(...out.failures.map((f) => `[${ctx.dbs.engine}] ${f}`));
  for (const f of out.failures) log(`  !! VERIFICATION FAILED: ${f}`);
}

async function scenarioS5(ctx: Context): Promise<void> {
  addOutput(ctx, await pollerScenario(ctx.settings.poller, ctx.dbs, log));
}

async function scenarioS6(ctx: Context): Promise<void> {
  addOutput(ctx, await exportScenario(ctx.settings.export, ctx.gen, ctx.dbs, log));
}

async function scenarioS7(ctx: Context): Promise<void> {
  addOutput(ctx, await lostAnswersScenario(ctx.settings.lostAnswers, ctx.dbs, log));
}

async function scenarioS8(ctx: Context): Promise<void> {
  addOutput(ctx, await hostileLoadScenario({ durationS: ctx.settings.durationS, connections: ctx.settings.connections }, ctx.gen, ctx.gateway, log));
}

/**
 * S9, scale-out (PostgreSQL only): S1's GET and S2's create against one gateway process, then against two processes on
 * the same database with the load generator splitting the connections between them. Both are separate processes
 * (`src/main.ts`, as `npm start` runs it) in front of the bench's sandbox; the ratio says what a second instance adds.
 */
async function scenarioS9(ctx: Context): Promise<void> {
  if (ctx.dbs.engine !== 'PostgreSQL') {
    ctx.notes.push('S9 (two gateway processes on one database) runs on PostgreSQL only: set BENCH_DATABASE_URL.');
    return;
  }
  log('S9 scale-out: one gateway process vs two on the same PostgreSQL, connections split between them');
  const { token, path } = await finishedTask(ctx);
  // The bench's admin token: another value would revoke it (the bootstrap token follows ARKGATE_ADMIN_TOKEN).
  const env = { ARKGATE_ADMIN_TOKEN: ADMIN_TOKEN, ARK_TIMEOUT_MS: '30000', LOG_LEVEL: 'warn', ARKGATE_SYNC_ENABLED: 'false' };
  const processes = await Promise.all([0, 1].map(() => startChildGateway({ sandbox: ctx.sandbox, database: ctx.database, env, timeoutMs: 60_000 })));
  try {
    const [one, two] = processes.map((p) => p.url);
    const get = (target: string, urls: string[]): LoadSpec => ({ target, url: urls[0] + path, urls: urls.map((u) => u + path), headers: bearer(token) });
    const create = (target: string, urls: string[]): LoadSpec => ({
      target,
      url: urls[0] + TASKS_PATH,
      urls: urls.map((u) => u + TASKS_PATH),
      method: 'POST',
      headers: jsonBearer(token),
      body: JSON.stringify(CREATE_BODY),
    });
    const [getOne, getTwo, createOne, createTwo] = await measure(ctx, [
      get('GET, one gateway process', [one]),
      get('GET, two gateway processes', [one, two]),
      create('create, one gateway process', [one]),
      create('create, two gateway processes', [one, two]),
    ]);
    const getGain = ratio(getTwo.reqPerSec, getOne.reqPerSec);
    const createGain = ratio(createTwo.reqPerSec, createOne.reqPerSec);
    ctx.rows.push(
      toRow(ctx, 'S9 scale-out', getOne, 'one process'),
      toRow(ctx, 'S9 scale-out', getTwo, `req/s ${times(getGain)} of one process`, { reqPerSecVsOneProcess: getGain }),
      toRow(ctx, 'S9 scale-out', createOne, 'one process'),
      toRow(ctx, 'S9 scale-out', createTwo, `req/s ${times(createGain)} of one process`, { reqPerSecVsOneProcess: createGain }),
    );
  } finally {
    for (const p of processes) p.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
  }
}

const RUNNERS: Record<ScenarioId, (ctx: Context) => Promise<void>> = {
  S1: scenarioS1,
  S2: scenarioS2,
  S3: scenarioS3,
  S4: scenarioS4,
  S5: scenarioS5,
  S6: scenarioS6,
  S7: scenarioS7,
  S8: scenarioS8,
  S9: scenarioS9,
};

function commitOf(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--', '.', ':!bench'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return changed ? `${head} (with uncommitted changes outside bench/)` : head;
  } catch {
    return 'unknown';
  }
}

function writeResults(report: Report): string[] {
  // bench/results in the repository, whether this runs compiled or from its TypeScript source.
  const dir = join(__dirname, ...(COMPILED ? ['..', '..', 'bench'] : []), 'results');
  mkdirSync(dir, { recursive: true });
  // A smoke run never overwrites the latest real measurement, nor does a run of some scenarios only (latest-S1.md, …).
  const all = SCENARIOS.every((id) => report.settings.scenarios.includes(id));
  const name = report.quick ? 'quick' : all ? 'latest' : `latest-${report.settings.scenarios.join('-')}`;
  const md = join(dir, `${name}.md`);
  const json = join(dir, `${name}.json`);
  writeFileSync(md, renderMarkdown(report));
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  return [md, json];
}

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  const started = Date.now();
  // Read at the start (the code under test is already loaded): the tree may change while the benchmark runs.
  const commit = commitOf();
  log(
    `arkgate bench: scenarios ${settings.scenarios.join(',')}; ${settings.connections} connections, warm-up ${settings.warmupS} s, ` +
      `${settings.rounds} round(s) × ${settings.durationS} s${settings.quick ? ' (QUICK smoke test)' : ''}`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'arkgate-bench-'));
  // Every scenario on SQLite, then — with BENCH_DATABASE_URL — every scenario again on PostgreSQL.
  const passes: BenchDatabases[] = [
    ...(settings.engines.includes('sqlite') ? [sqliteDatabases(dir)] : []),
    ...(settings.engines.includes('postgres') ? [postgresDatabases(settings.databaseUrl!)] : []),
  ];
  let gen: LoadGenerator | undefined;
  let sandbox: SandboxHandle | undefined;
  const rows: ReportRow[] = [];
  const notes: string[] = [];
  const invalidRounds: string[] = [];
  const verificationFailures: string[] = [];
  const rssAfterScenarioMb: Record<string, number> = {};
  try {
    gen = await LoadGenerator.start();
    sandbox = await startBenchSandbox();
    for (const dbs of passes) {
      let gateway: GatewayTarget | undefined;
      try {
        const database = await dbs.fresh('arkgate');
        // With its logger off, Nest ends the process without a word when the app cannot start.
        const explainSilentExit = (code: number) => {
          if (code !== 0) process.stderr.write(`bench: exited with code ${code} while the gateway was starting; run with BENCH_GATEWAY_LOGS=1 to see why\n`);
        };
        process.on('exit', explainSilentExit);
        gateway = await startGateway(sandbox, database);
        process.off('exit', explainSilentExit);
        log(`[${dbs.engine}] sandbox ${sandbox.url}, gateway ${gateway.url}, database ${dbs.describe(database)}`);
        const ctx: Context = { settings, gen, sandbox, gateway, dbs, database, rows: [], notes: [], invalidRounds, verificationFailures, rssAfterScenarioMb };
        rssAfterScenarioMb[`${dbs.engine} startup`] = Math.round(mb(process.memoryUsage().rss));
        for (const id of settings.scenarios) {
          if (process.env.BENCH_STATEMENT_TIMES === '1') startStatementTimer();
          await RUNNERS[id](ctx);
          if (process.env.BENCH_STATEMENT_TIMES === '1') log(`[${dbs.engine}] ${id} statements (BENCH_STATEMENT_TIMES):\n${statementReport()}`);
          rssAfterScenarioMb[`${dbs.engine} ${id}`] = Math.round(mb(process.memoryUsage().rss));
        }
        rows.push(...ctx.rows.map((row) => ({ ...row, engine: dbs.engine })));
        notes.push(...ctx.notes.map((note) => (passes.length > 1 ? `${dbs.engine}: ${note}` : note)));
        // A fresh sandbox for the next pass: the first one holds every task this pass made.
        sandbox.control.reset();
      } finally {
        await gateway?.close();
        await dbs.dispose();
      }
    }
  } finally {
    await sandbox?.close();
    await gen?.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const report: Report = {
    title: 'arkgate benchmark',
    quick: settings.quick,
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    platform: `${platform()} ${release()}`,
    commit,
    settings: {
      connections: settings.connections,
      durationS: settings.durationS,
      warmupS: settings.warmupS,
      rounds: settings.rounds,
      scenarios: settings.scenarios,
      listRows: settings.listRows,
      rates: settings.rates,
      ...(settings.scenarios.includes('S5') ? { pollerTasks: settings.poller.tasks } : {}),
      ...(settings.scenarios.includes('S6') ? { exportRows: settings.export.rows } : {}),
      ...(settings.scenarios.includes('S7') ? { lostAnswerCreates: settings.lostAnswers.creates } : {}),
    },
    peakRssMb: processPeakRssMb(),
    engines: passes.map((p) => p.engine),
    rssAfterScenarioMb,
    rows: [...rows].sort(
      (a, b) => a.scenario.localeCompare(b.scenario) || passes.findIndex((p) => p.engine === a.engine) - passes.findIndex((p) => p.engine === b.engine),
    ),
    notes: [
      ...notes,
      'Closed-loop latencies (S1, S2, S4) include queueing at the set connection count: p50 ≈ connections ÷ req/s.',
      "S3, autocannon overallRate: each connection sends its share back to back at the start of every second, so the load arrives as one burst per second and latency includes draining it; autocannon's coordinated-omission correction is off (it assumes a 1 ms interval at any rate). S3, paced open loop: one request every 1/rate s, latency counted from when the request was due (coordinated-omission free).",
      'autocannon latencies are whole milliseconds. The gateway and the sandbox share one process and event loop; the load generator is a separate process.',
      COMPILED
        ? "Everything here ran compiled (dist-bench/, built by `npm run bench` with the project's compiler settings, as `npm start` runs dist/): the gateways, their export workers, S9's gateway processes, the baselines and the load generator."
        : "Everything here ran from the TypeScript sources under ts-node (not as `npm start` runs the gateway): the gateways, their export workers, S9's gateway processes, the baselines and the load generator.",
      `Total run time ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    ],
    invalidRounds,
    verificationFailures,
  };
  report.goals = evaluateGoals(report.rows, report.engines);
  const markdown = renderMarkdown(report);
  log('');
  log(markdown);
  for (const file of writeResults(report)) log(`wrote ${file}`);
  if (report.invalidRounds.length > 0) log(`!! ${report.invalidRounds.length} INVALID ROUND(S) — see above; their numbers are not in the medians.`);
  if (verificationFailures.length > 0) {
    log(`!! ${verificationFailures.length} VERIFICATION FAILURE(S) in S5/S6/S8 — see above; those rows do not describe a complete run:`);
    for (const f of verificationFailures) log(`!!   ${f}`);
  }
}

main().then(
  () => {
    // Everything is closed by now; anything still holding the process open is a leak worth naming.
    setTimeout(() => {
      process.stderr.write(`bench: still running 10 s after shutdown; open resources: ${process.getActiveResourcesInfo().join(', ')}\n`);
      process.exit(1);
    }, 10_000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
