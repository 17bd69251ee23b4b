/**
 * S8 (docs/contract.md §10, "nothing blocks other requests for more than 100 ms"): how long the gateway's event loop
 * stalls, and how long /healthz takes, while the load generator sends hostile bodies at full speed. One
 * quiet phase first (nothing but the probes), then one phase per kind of hostile body. The gateway runs in
 * this process, so its event-loop delay is measured here (perf_hooks' monitorEventLoopDelay), and the
 * /healthz probes go out from here on fresh connections every 10 ms.
 */
import { request as httpRequest } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoadGenerator } from './measure';
import type { LoadResult } from './load-generator';
import type { ReportRow } from './report';
import { quantile, round1, sleep, type Log, type ScenarioOutput } from './scenario-common';
import { TASKS_PATH, type GatewayTarget } from './targets';

export interface HostileLoadSettings {
  durationS: number;
  connections: number;
}

interface HostileKind {
  name: string;
  body: string;
  withToken: boolean;
  /** Fewer connections for the biggest bodies (each connection holds one in the load generator). */
  connections?: number;
}

const MB = 1024 * 1024;

function hostileKinds(): HostileKind[] {
  const text = '{"model":"seedance-2-0","content":[{"type":"text","text":"x"}],"junk":"';
  return [
    { name: '140,000 keys (1.5 MB), authenticated', body: `{${Array.from({ length: 140_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`, withToken: true },
    { name: '1 MB of nesting, authenticated', body: '['.repeat(MB), withToken: true },
    {
      name: 'constructor keys, authenticated',
      body: '{"model":"dreamina-seedance-2-0-fast","content":[{"type":"text","text":"x"}],"x":{"constructor":1}}',
      withToken: true,
    },
    { name: '8 MB string, parsed then refused (unknown model)', body: `${text}${'a'.repeat(8 * MB)}"}`, withToken: true, connections: 4 },
    { name: '16 MB ending in \\u0000, authenticated', body: `${text}${'a'.repeat(16 * MB)}\\u0000"}`, withToken: true, connections: 4 },
    { name: '2 MB without a token', body: ' '.repeat(2 * MB), withToken: false },
  ];
}

/** One GET /healthz on a fresh connection: its latency in ms, or null when it failed. */
function probe(url: string): Promise<number | null> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - started : null));
    });
    req.on('error', () => resolve(null));
    req.end();
  });
}

interface PhaseStats {
  phase: string;
  probes: number;
  failedProbes: number;
  healthzP50: number | null;
  healthzP99: number | null;
  healthzMax: number | null;
  loopDelayP99: number;
  loopDelayMax: number;
  hostile?: { reqPerSec: number; requests: number; statusCodes: Record<string, number> };
}

/** Probes /healthz and watches the event loop until `until` settles. */
async function watch(url: string, phase: string, until: Promise<LoadResult | void>): Promise<PhaseStats> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let running = true;
  let result: LoadResult | void = undefined;
  const finished = until.then((r) => {
    result = r;
    running = false;
  });
  const latencies: number[] = [];
  let failed = 0;
  while (running) {
    const ms = await probe(url);
    if (ms === null) failed += 1;
    else latencies.push(ms);
    await sleep(10);
  }
  await finished;
  loop.disable();
  latencies.sort((a, b) => a - b);
  const r = result as LoadResult | undefined;
  return {
    phase,
    probes: latencies.length,
    failedProbes: failed,
    healthzP50: quantile(latencies, 0.5),
    healthzP99: quantile(latencies, 0.99),
    healthzMax: latencies.length ? latencies[latencies.length - 1] : null,
    loopDelayP99: round1(loop.percentile(99) / 1e6),
    loopDelayMax: round1(loop.max / 1e6),
    hostile: r ? { reqPerSec: round1(r.reqPerSec), requests: r.requests, statusCodes: r.statusCodes } : undefined,
  };
}

const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));

export async function hostileLoadScenario(settings: HostileLoadSettings, gen: LoadGenerator, gateway: GatewayTarget, log: Log): Promise<ScenarioOutput> {
  log(`S8 /healthz and event-loop delay under hostile bodies at full speed (${settings.durationS} s per kind)`);
  const { token } = await gateway.newTenant('bench-hostile');
  const phases: PhaseStats[] = [];
  const failures: string[] = [];

  phases.push(
    await watch(
      gateway.url,
      'quiet (probes only)',
      sleep(settings.durationS * 1000).then(() => undefined),
    ),
  );
  for (const kind of hostileKinds()) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (kind.withToken) headers.authorization = `Bearer ${token}`;
    const load = gen.run(
      { target: kind.name, url: gateway.url + TASKS_PATH, method: 'POST', headers, body: kind.body },
      kind.connections ?? settings.connections,
      settings.durationS,
    );
    phases.push(await watch(gateway.url, kind.name, load));
    await sleep(500);
  }

  const rows: ReportRow[] = [];
  for (const p of phases) {
    const codes = p.hostile
      ? Object.entries(p.hostile.statusCodes)
          .map(([c, n]) => `${c}×${n}`)
          .join(', ')
      : '';
    const serverErrors = p.hostile ? Object.entries(p.hostile.statusCodes).filter(([c]) => Number(c) >= 500) : [];
    if (serverErrors.length > 0) failures.push(`S8 ${p.phase}: the gateway answered ${serverErrors.map(([c, n]) => `${c}×${n}`).join(', ')}`);
    if (p.failedProbes > 0) failures.push(`S8 ${p.phase}: ${p.failedProbes} /healthz probe(s) failed`);
    log(
      `  ${p.phase}: loop delay p99 ${fmt(p.loopDelayP99)} ms, max ${fmt(p.loopDelayMax)} ms; /healthz p50 ${fmt(p.healthzP50)} ms, ` +
        `p99 ${fmt(p.healthzP99)} ms, max ${fmt(p.healthzMax)} ms over ${p.probes} probes` +
        (p.hostile ? `; hostile ${p.hostile.reqPerSec} req/s answered ${codes}` : ''),
    );
    rows.push({
      scenario: 'S8 /healthz under hostile bodies',
      target: p.phase,
      reqPerSec: p.hostile ? p.hostile.reqPerSec : null,
      unit: p.hostile ? 'hostile/s' : undefined,
      p50: p.healthzP50 === null ? null : round1(p.healthzP50),
      p99: p.healthzP99 === null ? null : round1(p.healthzP99),
      comparison: `loop delay p99 ${fmt(p.loopDelayP99)} ms, max ${fmt(p.loopDelayMax)} ms; /healthz max ${fmt(p.healthzMax)} ms${codes ? `; answered ${codes}` : ''}`,
      validRounds: serverErrors.length === 0 && p.failedProbes === 0 ? 1 : 0,
      totalRounds: 1,
      rounds: [],
      details: { ...p },
    });
  }
  return {
    rows,
    notes: [
      'S8: p50/p99 are /healthz latencies (fresh connection, probed from the gateway\'s own process every 10 ms) while the load generator sends the hostile body at full speed; "loop delay" is the gateway process\'s event-loop delay (monitorEventLoopDelay, 5 ms resolution). The rate column is hostile requests answered per second.',
    ],
    failures,
  };
}
