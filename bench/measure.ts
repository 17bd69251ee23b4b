/**
 * Measurement: warm each target up, then run interleaved rounds (A, B, …, A, B, …)
 * with autocannon and keep the median of the valid rounds. A round is valid only with no non-2xx answer
 * and no error; invalid rounds are reported, never folded into the medians.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { extname, join } from 'node:path';
import type { DownloadJob, DownloadResult, LoadReply, LoadRequest, LoadResult } from './load-generator';

/** One thing to load: a target and the request sent to it. */
export interface LoadSpec {
  /** Row label, e.g. `gateway` or `baseline A (node:http)`. */
  target: string;
  url: string;
  /** Several instances of the target (`url` among them): the connections are split among them. */
  urls?: string[];
  /** Run before each warm-up and round of this target (e.g. to switch something on the target's server). */
  before?: () => void;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Connections for this target instead of the run's setting (e.g. 1, for latency without queueing). */
  connections?: number;
  /** Fixed total rate (requests per second) instead of closed-loop. */
  overallRate?: number;
  /** With `overallRate`: an open-loop paced schedule instead of autocannon (see load-generator.ts). */
  paced?: boolean;
}

export interface MeasureSettings {
  connections: number;
  durationS: number;
  warmupS: number;
  rounds: number;
}

export interface RoundResult extends LoadResult {
  round: number;
  valid: boolean;
}

/** Medians over the valid rounds; null when no round was valid. */
export interface TargetSummary {
  target: string;
  overallRate?: number;
  reqPerSec: number | null;
  p50: number | null;
  p99: number | null;
  validRounds: number;
  rounds: RoundResult[];
}

export type Log = (line: string) => void;

type Waiter = { kind: string; resolve: (r: LoadResult | DownloadResult) => void; reject: (e: Error) => void };

/** A long-lived child process running autocannon (or a streamed download), one run at a time. */
export class LoadGenerator {
  private nextId = 1;
  private readonly pending = new Map<number, Waiter>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: LoadReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiter.reject(new Error(`${waiter.kind}: ${reply.error}`));
      else waiter.resolve('result' in reply ? reply.result : reply.downloaded);
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`load generator exited (code ${code})`));
      this.pending.clear();
    });
  }

  static async start(): Promise<LoadGenerator> {
    // Compiled (as `npm run bench` runs), the load generator is its .js file; from the sources, ts-node loads it.
    const ext = extname(__filename);
    const child = fork(join(__dirname, `load-generator${ext}`), [], {
      execArgv: ext === '.ts' ? ['-r', 'ts-node/register/transpile-only'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return new LoadGenerator(child);
  }

  run(spec: LoadSpec, connections: number, durationS: number): Promise<LoadResult> {
    const id = this.nextId++;
    const request: LoadRequest = {
      id,
      job: {
        url: spec.url,
        urls: spec.urls,
        method: spec.method ?? 'GET',
        headers: spec.headers,
        body: spec.body,
        connections,
        durationS,
        overallRate: spec.overallRate,
        paced: spec.paced,
      },
    };
    return this.send<LoadResult>(request);
  }

  /** One streamed GET, read in the load generator's process as it arrives (see load-generator.ts). */
  download(job: DownloadJob): Promise<DownloadResult> {
    return this.send<DownloadResult>({ id: this.nextId++, download: job });
  }

  private send<T extends LoadResult | DownloadResult>(request: LoadRequest): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(request.id, { kind: 'job' in request ? 'autocannon' : 'download', resolve: resolve as Waiter['resolve'], reject });
      this.child.send(request);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await exited;
  }
}

export function isValid(r: LoadResult): boolean {
  return r.non2xx === 0 && r.errors === 0;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describe(r: LoadResult): string {
  return `${r.reqPerSec.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms (${r.requests} requests)`;
}

function describeFailure(r: LoadResult): string {
  const codes = Object.entries(r.statusCodes)
    .map(([code, n]) => `${code}×${n}`)
    .join(', ');
  return `non2xx=${r.non2xx} errors=${r.errors} timeouts=${r.timeouts} status codes: ${codes || 'none'}`;
}

/**
 * Warms each spec up (`warmupS`), then runs `rounds` rounds of every spec in order and returns, per spec,
 * the medians of its valid rounds. `probe` is called after an invalid round to show what the target answers.
 */
export async function measureInterleaved(
  gen: LoadGenerator,
  specs: LoadSpec[],
  settings: MeasureSettings,
  log: Log,
  probe?: (spec: LoadSpec) => Promise<string>,
): Promise<TargetSummary[]> {
  for (const spec of specs) {
    log(`  warm-up ${spec.target} (${settings.warmupS} s)`);
    spec.before?.();
    const warm = await gen.run(spec, spec.connections ?? settings.connections, settings.warmupS);
    if (!isValid(warm)) log(`  !! warm-up of ${spec.target} was not clean: ${describeFailure(warm)}`);
    await settle(500);
  }

  const rounds = new Map<LoadSpec, RoundResult[]>(specs.map((s) => [s, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    for (const spec of specs) {
      spec.before?.();
      const result = await gen.run(spec, spec.connections ?? settings.connections, settings.durationS);
      const valid = isValid(result);
      rounds.get(spec)!.push({ ...result, round, valid });
      log(`  round ${round}/${settings.rounds} ${spec.target}: ${describe(result)}${valid ? '' : '  INVALID'}`);
      if (!valid) {
        log(`  !! INVALID ROUND — ${spec.target}, round ${round}: ${describeFailure(result)}`);
        if (probe) log(`  !! one request now answers: ${await probe(spec)}`);
      }
      await settle(500);
    }
  }

  return specs.map((spec) => {
    const all = rounds.get(spec)!;
    const valid = all.filter((r) => r.valid);
    return {
      target: spec.target,
      overallRate: spec.overallRate,
      reqPerSec: median(valid.map((r) => r.reqPerSec)),
      p50: median(valid.map((r) => r.p50)),
      p99: median(valid.map((r) => r.p99)),
      validRounds: valid.length,
      rounds: all,
    };
  });
}

/** One request with fetch, summarised as `status body…`, to explain an invalid round. */
export async function probeOnce(spec: LoadSpec): Promise<string> {
  try {
    const res = await fetch(spec.url, { method: spec.method ?? 'GET', headers: spec.headers, body: spec.body });
    const text = await res.text();
    return `${res.status} ${text.slice(0, 300)}`;
  } catch (err) {
    return `request failed: ${(err as Error).message}`;
  }
}
