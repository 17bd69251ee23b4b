/**
 * S6, the auditor export of every task record: `GET /audit/tasks/export?format=csv|ndjson` (admin token).
 *
 * A gateway of its own (fresh SQLite file, background sync off: every seeded task is finished) with N task
 * records seeded in bulk across a few tenants, each succeeded one with its ledger entry so that the cost
 * columns are filled. The export is read as a stream by the load generator (another process), which counts
 * bytes and lines and checks each line; this process, which runs the gateway, samples its own RSS every 50 ms
 * meanwhile. The export runs first at N/10 records, then at N (the same database, the rest seeded in between),
 * so that the memory it takes can be compared across sizes.
 */
import type { BenchDatabases } from './bench-database';
import { performance } from 'node:perf_hooks';
import { EXPORT_COLUMNS } from '../src/audit/export-lines';
import { DataSource } from 'typeorm';
import type { DownloadResult } from './load-generator';
import type { LoadGenerator } from './measure';
import { cpus } from 'node:os';
import { fullGc, machineCpuTicks, peakRssSinceResetMb, resetPeakRss, RssSampler, toMb, type RssSummary } from './memory';
import type { ReportRow } from './report';
import { round1, seconds, sleep, type Log, type ScenarioOutput } from './scenario-common';
import { seedTasks } from './seed-tasks';
import { ADMIN_TOKEN, startBenchSandbox, startGateway, type GatewayTarget } from './targets';

export interface ExportSettings {
  /** N, task records in the database for the main export. */
  rows: number;
  /** Tenants the records are spread over. */
  tenants: number;
  /** Exports per format at each size (interleaved csv, ndjson, csv, …): the median rows/s and the largest RSS growth count. */
  rounds: number;
}

const SCENARIO = 'S6 audit export';
const FORMATS = ['csv', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

interface ExportRun {
  format: Format;
  records: number;
  rows: number;
  rowsPerSec: number | null;
  download: DownloadResult;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssDeltaMb: number;
  rssAfterMb: number;
  /** Kernel high-water mark during the export (resets before it), MB; null where unsupported. */
  hwmMb: number | null;
  heapUsedBeforeMb: number;
  heapUsedPeakMb: number;
  longestSampleGapMs: number;
  eventLoopUtilization: number;
  /**
   * CPU during the export, in cores (of `cores`): the whole machine busy, and of it the gateway's process (all its
   * threads, the export worker included); the rest is the load generator, the database server and anything else.
   */
  cpu: { cores: number; machineBusy: number; gateway: number } | null;
  timingLine: string;
  ok: boolean;
  /** rows/s of every round of this format and size (the run's own figure is their median). */
  roundsRowsPerSec?: (number | null)[];
}

export async function exportScenario(settings: ExportSettings, gen: LoadGenerator, dbs: BenchDatabases, log: Log): Promise<ScenarioOutput> {
  const n = settings.rows;
  const small = Math.max(1, Math.round(n / 10));
  log(`S6 audit export: ${n} task records over ${settings.tenants} tenants, exported as CSV and NDJSON at ${small} and at ${n} records`);
  const failures: string[] = [];
  const sandbox = await startBenchSandbox();
  try {
    const gateway = await startGateway(sandbox, await dbs.fresh('export'), { ARKGATE_SYNC_ENABLED: 'false' });
    try {
      const ds = gateway.app.get(DataSource);
      const tenants: string[] = [];
      for (let k = 1; k <= settings.tenants; k++) tenants.push((await gateway.newTenant(`bench-export-${k}`)).id);

      const seeded = { rows: 0, succeeded: 0, ledger: 0, seconds: 0 };
      const seed = async (count: number) => {
        const per = Math.floor(count / tenants.length);
        for (const [k, tenantId] of tenants.entries()) {
          const rows = k === 0 ? count - per * (tenants.length - 1) : per;
          if (rows === 0) continue;
          const r = await seedTasks(ds, tenantId, rows, (line) => log(`  tenant ${k + 1}/${tenants.length}:${line}`), { ledger: true, logEvery: 100_000 });
          seeded.rows += r.rows;
          seeded.succeeded += r.byStatus.succeeded ?? 0;
          seeded.ledger += r.ledgerEntries;
          seeded.seconds += r.seconds;
        }
      };

      const runs: ExportRun[] = [];
      await seed(small);
      // One unmeasured export per format first, so that the N/10 figures are not those of cold code and caches.
      for (const format of FORMATS) {
        await gen.download({ url: `${gateway.url}/audit/tasks/export?format=${format}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, format });
      }
      // Each export `rounds` times, the formats interleaved; one export of a million records is 10–20 s, of N/10 about
      // one, so a single run of either is at the mercy of the machine's moment.
      const exportRounds = async () => {
        const byFormat = new Map<Format, ExportRun[]>(FORMATS.map((f) => [f, []]));
        for (let round = 0; round < settings.rounds; round++) {
          for (const format of FORMATS) byFormat.get(format)!.push(await exportOnce(gateway, gen, format, seeded, failures, log));
        }
        for (const format of FORMATS) runs.push(medianRun(byFormat.get(format)!));
      };
      await exportRounds();
      await seed(n - small);
      await exportRounds();
      if (seeded.ledger !== seeded.succeeded) failures.push(`S6: ${seeded.ledger} ledger entries seeded for ${seeded.succeeded} succeeded tasks`);

      const rows: ReportRow[] = runs.map((r) => ({
        scenario: SCENARIO,
        target: `${r.format} export, ${r.records} records`,
        unit: 'rows/s',
        reqPerSec: r.rowsPerSec,
        p50: null,
        p99: null,
        comparison:
          `TTFB ${r.download.firstByteMs.toFixed(0)} ms; ${toMb(r.download.bytes).toFixed(0)} MB in ${seconds(r.download.totalMs)} s; ` +
          `RSS ${r.rssBeforeMb.toFixed(0)} → peak ${r.rssPeakMb.toFixed(0)} MB (+${r.rssDeltaMb.toFixed(0)} MB), after ${r.rssAfterMb.toFixed(0)} MB` +
          (r.roundsRowsPerSec && r.roundsRowsPerSec.length > 1
            ? `; rounds ${r.roundsRowsPerSec.map((x) => (x === null ? '–' : x.toFixed(0))).join(' / ')} rows/s (the figure is their median, the RSS growth their largest)`
            : ''),
        validRounds: r.ok ? (r.roundsRowsPerSec?.length ?? 1) : 0,
        totalRounds: r.roundsRowsPerSec?.length ?? 1,
        rounds: [],
        details: { ...r, timingLine: undefined },
      }));
      const delta = (format: Format, records: number) => runs.find((r) => r.format === format && r.records === records);
      const deltaLine = FORMATS.map((f) => {
        const a = delta(f, small);
        const b = delta(f, n);
        const hwm = (r?: ExportRun) => (r?.hwmMb == null ? 'n/a' : `+${(r.hwmMb - r.rssBeforeMb).toFixed(0)}`);
        return `${f} +${a?.rssDeltaMb.toFixed(0)} MB at ${small} vs +${b?.rssDeltaMb.toFixed(0)} MB at ${n} records (kernel high-water mark ${hwm(a)} vs ${hwm(b)} MB)`;
      }).join('; ');
      const last = runs[runs.length - 1];
      const notes = [
        `S6: ${seeded.rows} task records (${seeded.succeeded} succeeded, each with its ledger entry) seeded over ${settings.tenants} tenants in ${seeded.seconds.toFixed(0)} s ` +
          `(${(seeded.rows / seeded.seconds).toFixed(0)} records/s, transactions of 5,000). After one unmeasured warm-up export per format, each export (${settings.rounds} per format and size, interleaved; rows/s is their median, RSS growth their largest) is read by the load generator, which checks every line ` +
          `(CSV: header + one line per record; NDJSON: every line parses; cost filled on every succeeded record). rows/s = records ÷ time to the last byte.`,
        `S6 memory of the gateway's process: peak RSS (sampled every 50 ms from a worker thread) minus RSS just before the export (after a full GC): ${deltaLine}.`,
        `S6 where the time goes (${last.format} at ${last.records}): event loop ${(last.eventLoopUtilization * 100).toFixed(0)}% busy; ${last.timingLine}. ` +
          `CPU during each export (median round): ${runs.map((r) => `${r.format} ${r.records}: ${cpuLine(r.cpu)}`).join('; ')}. ` +
          `Longest stall of the gateway's event loop during the exports: ${runs.map((r) => `${r.format} ${r.records}: ${seconds(r.longestSampleGapMs)} s`).join(', ')} ` +
          `(a main-thread timer due every 50 ms waited that long; nothing else is served meanwhile).`,
      ];
      return { rows, notes, failures };
    } finally {
      await gateway.close();
    }
  } finally {
    await sandbox.close();
  }
}

async function exportOnce(
  gateway: GatewayTarget,
  gen: LoadGenerator,
  format: Format,
  seeded: { rows: number; succeeded: number },
  failures: string[],
  log: Log,
): Promise<ExportRun> {
  const records = seeded.rows;
  log(`  ${format} export of ${records} records`);
  // A clean start: garbage left by seeding or the previous export would blur the export's own footprint.
  fullGc();
  await sleep(300);
  fullGc();
  const heapBefore = process.memoryUsage().heapUsed;
  // Started first: its own few MB are then in the RSS before the export as well as in the peak.
  const sampler = await RssSampler.start(50);
  const hwmReset = resetPeakRss();
  const elu0 = performance.eventLoopUtilization();
  const machine0 = machineCpuTicks();
  const process0 = process.cpuUsage();
  const wall0 = performance.now();
  let download: DownloadResult;
  let rss: RssSummary;
  try {
    download = await gen.download({
      url: `${gateway.url}/audit/tasks/export?format=${format}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      format,
      countFilled: 'amount_usd',
    });
  } finally {
    rss = await sampler.stop();
  }
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const cpu = cpuDuring(machine0, process0, wall0);
  const hwmMb = hwmReset ? peakRssSinceResetMb() : null;
  fullGc();
  const after = process.memoryUsage();

  const rows = format === 'csv' ? download.lines - 1 : download.lines;
  const problems: string[] = [];
  if (download.status !== 200) problems.push(`answered ${download.status}: ${download.firstLine.slice(0, 200)}`);
  if (download.error) problems.push(`the download failed: ${download.error}`);
  if (rows !== records) problems.push(`${rows} rows for ${records} records${format === 'csv' ? ` (${download.lines} lines with the header)` : ''}`);
  if (!download.endsWithNewline) problems.push('the body does not end with a newline');
  if (format === 'csv' && download.firstLine !== EXPORT_COLUMNS.join(',')) problems.push(`unexpected CSV header: ${download.firstLine.slice(0, 200)}`);
  if (download.invalidLines > 0) problems.push(`${download.invalidLines} lines are not JSON objects`);
  if (download.filled !== null && download.filled + download.quotedLines !== seeded.succeeded) {
    problems.push(`amount_usd filled on ${download.filled} rows (+${download.quotedLines} unchecked), expected ${seeded.succeeded}`);
  }
  for (const p of problems) failures.push(`S6 ${format} export of ${records} records: ${p}`);

  const run: ExportRun = {
    format,
    records,
    rows,
    rowsPerSec: download.totalMs > 0 ? rows / (download.totalMs / 1000) : null,
    download,
    rssBeforeMb: round1(rss.startMb),
    rssPeakMb: round1(rss.peakMb),
    rssDeltaMb: round1(rss.peakMb - rss.startMb),
    rssAfterMb: round1(toMb(after.rss)),
    hwmMb: hwmMb === null ? null : round1(hwmMb),
    heapUsedBeforeMb: round1(toMb(heapBefore)),
    heapUsedPeakMb: round1(rss.peakHeapUsedMb),
    longestSampleGapMs: Math.round(rss.longestGapMs),
    eventLoopUtilization: elu,
    cpu,
    timingLine: 'pages read and formatted on export worker threads (not timed here)',
    ok: problems.length === 0,
  };
  log(
    `  ${format} export of ${records} records: ${rows} rows in ${seconds(download.totalMs)} s (${run.rowsPerSec?.toFixed(0)} rows/s), ` +
      `TTFB ${download.firstByteMs.toFixed(0)} ms, ${toMb(download.bytes).toFixed(1)} MB; RSS ${run.rssBeforeMb} → peak ${run.rssPeakMb} MB, after ${run.rssAfterMb} MB; ` +
      `CPU ${cpuLine(cpu)}` +
      (problems.length ? `  !! ${problems.join('; ')}` : ''),
  );
  return run;
}

/** CPU used since the marks, in cores: the machine (from its busy ticks) and the gateway's process. */
function cpuDuring(machine0: ReturnType<typeof machineCpuTicks>, process0: NodeJS.CpuUsage, wall0: number): ExportRun['cpu'] {
  const machine1 = machineCpuTicks();
  const wallS = (performance.now() - wall0) / 1000;
  if (!machine0 || !machine1 || wallS <= 0) return null;
  const cores = cpus().length;
  const used = process.cpuUsage(process0);
  const share = (machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total);
  return { cores, machineBusy: share * cores, gateway: (used.user + used.system) / 1e6 / wallS };
}

function cpuLine(cpu: ExportRun['cpu']): string {
  if (!cpu) return 'n/a';
  const rest = Math.max(0, cpu.machineBusy - cpu.gateway);
  return `machine ${cpu.machineBusy.toFixed(2)} of ${cpu.cores} cores busy: gateway process ${cpu.gateway.toFixed(2)}, the rest (load generator, database, other) ${rest.toFixed(2)}`;
}

/**
 * One figure for the rounds of an export: the median round's throughput (rows/s, download, timings) and the memory of
 * the round whose RSS grew most (the goal is a ceiling); valid only if every round was.
 */
function medianRun(rounds: ExportRun[]): ExportRun {
  const bySpeed = [...rounds].sort((a, b) => (a.rowsPerSec ?? 0) - (b.rowsPerSec ?? 0));
  const median = bySpeed[Math.floor((bySpeed.length - 1) / 2)];
  const worst = rounds.reduce((a, b) => (b.rssDeltaMb > a.rssDeltaMb ? b : a));
  return {
    ...median,
    rssBeforeMb: worst.rssBeforeMb,
    rssPeakMb: worst.rssPeakMb,
    rssDeltaMb: worst.rssDeltaMb,
    rssAfterMb: worst.rssAfterMb,
    hwmMb: worst.hwmMb,
    ok: rounds.every((r) => r.ok),
    roundsRowsPerSec: rounds.map((r) => (r.rowsPerSec === null ? null : Math.round(r.rowsPerSec))),
  };
}
