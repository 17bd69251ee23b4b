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
 * Besides load, it downloads: one streamed GET (an export), read chunk by chunk and counted (bytes, lines,
 * time to first byte), never held whole.
 *
 * Protocol over the IPC channel: `{ id, job }` or `{ id, download }` in, `{ id, result }`,
 * `{ id, downloaded }` or `{ id, error }` out.
 */
import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadJob {
  url: string;
  /** Several servers of one service: autocannon splits the connections among them (closed-loop only). */
  urls?: string[];
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

/** One streamed GET, consumed as it arrives. */
export interface DownloadJob {
  url: string;
  headers?: Record<string, string>;
  /** How the body is checked line by line: CSV (first line a header) or NDJSON (every line parsed). */
  format: 'csv' | 'ndjson';
  /** With it, count the rows whose value in this column is not empty/null (CSV: unquoted lines only). */
  countFilled?: string;
}

export interface DownloadResult {
  status: number;
  contentType: string | null;
  /** From sending the request to the response headers, ms. */
  headersMs: number;
  /** From sending the request to the first body byte, ms. */
  firstByteMs: number;
  /** From sending the request to the end of the body, ms. */
  totalMs: number;
  bytes: number;
  /** Newline-terminated lines (a last line without a newline counts too). */
  lines: number;
  endsWithNewline: boolean;
  firstLine: string;
  lastLine: string;
  /** NDJSON lines that did not parse as a JSON object. */
  invalidLines: number;
  /** Rows with `countFilled` set (null when not asked). */
  filled: number | null;
  /** CSV lines with a quote, not split (their `countFilled` value is not checked). */
  quotedLines: number;
  error: string | null;
}

export type LoadRequest = { id: number; job: LoadJob } | { id: number; download: DownloadJob };

export type LoadReply = { id: number; result: LoadResult } | { id: number; downloaded: DownloadResult } | { id: number; error: string };

/**
 * Per-request timeout. autocannon's default (10 s) is shorter than the queueing a slow endpoint sees under
 * 50 connections (S4 over 200,000 tasks), which would make such rounds invalid for the client's sake alone.
 */
const TIMEOUT_S = 30;

async function runAutocannon(job: LoadJob): Promise<LoadResult> {
  const r = await autocannon({
    url: job.urls ?? job.url,
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
      const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: job.method, headers, agent }, (res) => {
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
      });
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

/** Longest a first/last line is kept for the report. */
const SAMPLE_CHARS = 600;

function download(job: DownloadJob): Promise<DownloadResult> {
  const url = new URL(job.url);
  const started = performance.now();
  const out: DownloadResult = {
    status: 0,
    contentType: null,
    headersMs: 0,
    firstByteMs: 0,
    totalMs: 0,
    bytes: 0,
    lines: 0,
    endsWithNewline: false,
    firstLine: '',
    lastLine: '',
    invalidLines: 0,
    filled: job.countFilled ? 0 : null,
    quotedLines: 0,
    error: null,
  };
  let column = -1;
  let pending = '';
  const onLine = (line: string) => {
    out.lines++;
    if (out.lines === 1) {
      out.firstLine = line.slice(0, SAMPLE_CHARS);
      if (job.format === 'csv' && job.countFilled) column = line.split(',').indexOf(job.countFilled);
    }
    out.lastLine = line;
    if (job.format === 'ndjson') {
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        row = undefined;
      }
      if (row === null || typeof row !== 'object') out.invalidLines++;
      else if (job.countFilled && (row as Record<string, unknown>)[job.countFilled] != null) out.filled!++;
    } else if (out.lines > 1 && column >= 0) {
      if (line.includes('"')) out.quotedLines++;
      else if ((line.split(',')[column] ?? '') !== '') out.filled!++;
    }
  };

  return new Promise<DownloadResult>((resolve) => {
    let finished = false;
    const done = (error?: Error) => {
      if (finished) return;
      finished = true;
      if (error) out.error = error.message;
      if (pending !== '') onLine(pending);
      out.totalMs = round2(performance.now() - started);
      out.lastLine = out.lastLine.slice(0, SAMPLE_CHARS);
      resolve(out);
    };
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', headers: job.headers, agent: false }, (res) => {
      out.headersMs = round2(performance.now() - started);
      out.status = res.statusCode ?? 0;
      out.contentType = res.headers['content-type'] ?? null;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (out.bytes === 0) out.firstByteMs = round2(performance.now() - started);
        out.bytes += Buffer.byteLength(chunk, 'utf8');
        const parts = (pending + chunk).split('\n');
        pending = parts.pop() ?? '';
        for (const line of parts) onLine(line);
        out.endsWithNewline = chunk.endsWith('\n');
      });
      res.on('end', () => done());
      res.on('error', (err) => done(err));
    });
    req.on('error', (err) => done(err));
    req.end();
  });
}

if (require.main === module) {
  process.on('message', (msg: LoadRequest) => {
    const fail = (err: unknown) => process.send?.({ id: msg.id, error: String((err as Error)?.message ?? err) } satisfies LoadReply);
    if ('download' in msg) download(msg.download).then((downloaded) => process.send?.({ id: msg.id, downloaded } satisfies LoadReply), fail);
    else run(msg.job).then((result) => process.send?.({ id: msg.id, result } satisfies LoadReply), fail);
  });
  // The parent closing the channel is the signal to leave.
  process.on('disconnect', () => process.exit(0));
}
