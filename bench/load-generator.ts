/**
 * The load generator: a child process that runs one load job at a time on request. Keeping the client
 * out of the process that hosts the servers gives each its own event loop (and core), and keeps the
 * servers' peak RSS free of the client's.
 *
 * Two kinds of job:
 * - autocannon, closed-loop or with `overallRate`. autocannon's rate limit lets each connection send its
 *   share back to back at the start of every second, so a fixed-rate run arrives as one burst per second.
 * - paced: an open-loop schedule, one request every 1/rate s whatever the answers, each latency counted
 *   from the moment the request was due (so a stall is charged to every request it delays).
 *
 * Protocol over the IPC channel: `{ id, job }` in, `{ id, result }` or `{ id, error }` out.
 */
import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadJob {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationS: number;
  /** Fixed total rate in requests per second; without it, autocannon runs closed-loop. */
  overallRate?: number;
  /** With `overallRate`: use the open-loop schedule instead of autocannon. */
  paced?: boolean;
}

/** What comes back of one run (milliseconds, requests per second). */
export interface LoadResult {
  reqPerSec: number;
  requests: number;
  durationS: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export interface LoadRequest {
  id: number;
  job: LoadJob;
}

export type LoadReply = { id: number; result: LoadResult } | { id: number; error: string };

/**
 * Per-request timeout. autocannon's default (10 s) is shorter than the queueing a slow endpoint sees under
 * 50 connections (S4 over 200,000 tasks), which would make such rounds invalid for the client's sake alone.
 */
const TIMEOUT_S = 30;

async function runAutocannon(job: LoadJob): Promise<LoadResult> {
  const r = await autocannon({
    url: job.url,
    method: job.method,
    headers: job.headers,
    body: job.body,
    connections: job.connections,
    duration: job.durationS,
    pipelining: 1,
    overallRate: job.overallRate,
    // autocannon's correction takes ceil(1/rate) as the expected interval, i.e. 1 ms whatever the
    // rate, and so adds about one synthetic sample per millisecond of every answer. Off: the
    // histogram holds the requests actually made; the paced job is the coordinated-omission-free one.
    ignoreCoordinatedOmission: job.overallRate !== undefined,
    timeout: TIMEOUT_S,
  });
  return {
    reqPerSec: r.requests.average,
    requests: r.requests.total,
    durationS: r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  };
}

function runPaced(job: LoadJob): Promise<LoadResult> {
  const rate = job.overallRate as number;
  const interval = 1000 / rate;
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(job.url);
  const body = job.body === undefined ? undefined : Buffer.from(job.body, 'utf8');
  const headers = { ...job.headers, ...(body ? { 'content-length': String(body.length) } : {}) };
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let inFlight = 0;

  return new Promise<LoadResult>((resolve) => {
    const start = performance.now();
    const end = start + job.durationS * 1000;
    let due = start;
    let scheduling = true;

    const finish = () => {
      if (scheduling || inFlight > 0) return;
      agent.destroy();
      const elapsedS = (performance.now() - start) / 1000;
      latencies.sort((a, b) => a - b);
      const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] : 0);
      const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
      resolve({
        reqPerSec: requests / Math.max(job.durationS, elapsedS),
        requests,
        durationS: elapsedS,
        p50: round2(at(0.5)),
        p99: round2(at(0.99)),
        max: round2(latencies[latencies.length - 1] ?? 0),
        non2xx,
        errors,
        timeouts,
        statusCodes,
      });
    };

    const fire = (dueAt: number) => {
      inFlight++;
      let done = false;
      const settle = (outcome: () => void) => {
        if (done) return;
        done = true;
        inFlight--;
        outcome();
        finish();
      };
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: job.method, headers, agent },
        (res) => {
          res.resume();
          res.on('end', () =>
            settle(() => {
              const status = res.statusCode ?? 0;
              statusCodes[status] = (statusCodes[status] ?? 0) + 1;
              if (status >= 200 && status < 300) latencies.push(performance.now() - dueAt);
              else non2xx++;
            }),
          );
          res.on('error', () => settle(() => errors++));
        },
      );
      req.setTimeout(TIMEOUT_S * 1000, () => {
        timeouts++;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => settle(() => errors++));
      req.end(body);
    };

    const tick = () => {
      const now = performance.now();
      while (due <= now && due < end) {
        fire(due);
        due += interval;
      }
      if (due < end) {
        setTimeout(tick, Math.max(0, due - performance.now()));
      } else {
        scheduling = false;
        finish();
      }
    };
    tick();
  });
}

const round2 = (v: number) => Math.round(v * 100) / 100;

function run(job: LoadJob): Promise<LoadResult> {
  return job.paced && job.overallRate ? runPaced(job) : runAutocannon(job);
}

if (require.main === module) {
  process.on('message', (msg: LoadRequest) => {
    run(msg.job).then(
      (result) => process.send?.({ id: msg.id, result } satisfies LoadReply),
      (err: unknown) => process.send?.({ id: msg.id, error: String((err as Error)?.message ?? err) } satisfies LoadReply),
    );
  });
  // The parent closing the channel is the signal to leave.
  process.on('disconnect', () => process.exit(0));
}
