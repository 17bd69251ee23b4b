/**
 * S7, lost answers (docs/contract.md §9): N creates through a gateway of its own, with one upstream answer in ten lost after
 * the sandbox made the task (a 500, a reset, a 200 whose body is not JSON, or no answer until ARK_TIMEOUT_MS, in
 * turn). The request resolves what it can inline; the reconciler does the rest.
 *
 * Measured: how many creates had an unknown outcome, how they were resolved (inline, by the reconciler, rejected),
 * the time from the end of the burst until no record is left `submitting` or `unknown`, and lost videos: upstream
 * tasks no record owns once everything is resolved (must be 0).
 */
import type { BenchDatabases } from './bench-database';
import type { FaultSpec } from '@arkgate/sandbox';
import { performance } from 'node:perf_hooks';
import { DataSource, In } from 'typeorm';
import { AuditEventEntity } from '../src/audit/audit-event.entity';
import { TaskEntity } from '../src/tasks/task.entity';
import type { ReportRow } from './report';
import { seconds, sleep, type Log, type ScenarioOutput } from './scenario-common';
import { startBenchSandbox, startGateway, TASKS_PATH } from './targets';

export interface LostAnswersSettings {
  /** Creates in all. */
  creates: number;
  /** One answer in this many is lost. */
  lossEvery: number;
  /** Creates in flight at once. */
  concurrency: number;
  /** Longest wait for everything to be resolved after the burst. */
  timeoutS: number;
}

const SCENARIO = 'S7 lost answers';
const ENV = {
  ARK_TIMEOUT_MS: '1000',
  ARKGATE_RECONCILE_INLINE_MS: '3000',
  ARKGATE_RECONCILE_INTERVAL_MS: '1000',
  ARKGATE_RECONCILE_GRACE_MS: '2000',
  ARKGATE_SYNC_ENABLED: 'true',
};
const FAULTS: FaultSpec[] = [
  { op: 'create', kind: 'status', status: 500, afterHandling: true },
  { op: 'create', kind: 'reset', afterHandling: true },
  { op: 'create', kind: 'status', status: 200, body: 'not json', afterHandling: true },
  { op: 'create', kind: 'hang', afterHandling: true },
];

export async function lostAnswersScenario(settings: LostAnswersSettings, dbs: BenchDatabases, log: Log): Promise<ScenarioOutput> {
  const failures: string[] = [];
  const sandbox = await startBenchSandbox({ queuedMs: 200, runningMs: 500, recordLimit: settings.creates * 4 });
  try {
    const gateway = await startGateway(sandbox, await dbs.fresh('s7'), ENV);
    try {
      const tenant = await gateway.newTenant('s7');
      const ds = gateway.app.get(DataSource);
      const tasks = ds.getRepository(TaskEntity);
      log(`${SCENARIO}: ${settings.creates} creates, 1 in ${settings.lossEvery} answers lost, ${settings.concurrency} at once`);

      const statuses = new Map<number, number>();
      let next = 0;
      const started = performance.now();
      const worker = async () => {
        for (;;) {
          const i = next++;
          if (i >= settings.creates) return;
          if (i % settings.lossEvery === 0) sandbox.control.addFault(FAULTS[(i / settings.lossEvery) % FAULTS.length]);
          const res = await fetch(gateway.url + TASKS_PATH, {
            method: 'POST',
            headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              model: 'dreamina-seedance-2-0-fast',
              content: [{ type: 'text', text: `shot ${i}` }],
              resolution: '480p',
              duration: 4 + (i % 12),
            }),
          });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: settings.concurrency }, worker));
      const burstMs = performance.now() - started;
      const endOfBurst = performance.now();

      let open = -1;
      while (performance.now() - endOfBurst < settings.timeoutS * 1000) {
        open = await tasks.count({ where: { tenantId: tenant.id, status: In(['submitting', 'unknown']) } });
        if (open === 0) break;
        await sleep(100);
      }
      const resolvedMs = open === 0 ? performance.now() - endOfBurst : null;
      if (open !== 0) failures.push(`${SCENARIO}: ${open} record(s) still unresolved ${settings.timeoutS} s after the burst`);

      const rows = await tasks.find({ where: { tenantId: tenant.id } });
      const owned = new Set(rows.map((r) => r.taskId).filter(Boolean));
      const made = sandbox.control.requests().filter((r) => r.op === 'create').length;
      const upstreamIds = await listAll(sandbox.dataPlaneUrl, sandbox.apiKey);
      const lost = upstreamIds.filter((id) => !owned.has(id)).length;
      if (lost > 0) failures.push(`${SCENARIO}: ${lost} upstream task(s) owned by no record (lost videos)`);
      const recovered = await ds.getRepository(AuditEventEntity).find({ where: { action: 'task.recovered', tenantId: tenant.id } });
      const inline = recovered.filter((e) => e.properties.resolved_by === 'inline').length;
      const byReconciler = recovered.length - inline;
      const rejected = rows.filter((r) => r.status === 'rejected').length;
      const unknownAnswers = recovered.length + rejected + Math.max(open, 0);
      const code = [...statuses].map(([s, n]) => `${n}× ${s}`).join(', ');
      for (const f of failures) log(`  !! VERIFICATION FAILED: ${f}`);

      const row: ReportRow = {
        scenario: SCENARIO,
        target: `${settings.creates} creates, 1 in ${settings.lossEvery} answers lost`,
        unit: 'creates/s',
        reqPerSec: settings.creates / (burstMs / 1000),
        p50: null,
        p99: null,
        comparison:
          `all resolved ${resolvedMs === null ? 'n/a' : `${seconds(resolvedMs)} s`} after the burst (${seconds(burstMs)} s); ` +
          `${unknownAnswers} unknown outcomes: ${inline} recovered inline, ${byReconciler} by the reconciler, ${rejected} rejected; ` +
          `lost videos ${lost} (${upstreamIds.length} upstream tasks, ${owned.size} owned); answers ${code}`,
        validRounds: failures.length === 0 ? 1 : 0,
        totalRounds: 1,
        rounds: [],
        details: {
          creates: settings.creates,
          upstreamCreates: made,
          upstreamTasks: upstreamIds.length,
          owned: owned.size,
          lost,
          inline,
          byReconciler,
          rejected,
          statuses: Object.fromEntries(statuses),
          burstMs,
          resolvedMs,
        },
      };
      const notes = [
        `S7: ARK_TIMEOUT_MS ${ENV.ARK_TIMEOUT_MS}, inline resolution ${ENV.ARKGATE_RECONCILE_INLINE_MS} ms, reconciler every ${ENV.ARKGATE_RECONCILE_INTERVAL_MS} ms ` +
          `with grace ${ENV.ARKGATE_RECONCILE_GRACE_MS} ms (windows close ARK_TIMEOUT_MS + 2 × grace after a create). Lost answers cycle through ` +
          `500 / reset / 200 not JSON / hang, each after the sandbox made the task. One tenant, durations 4–15 s in turn: records of one tenant with ` +
          `identical requests are paired with their tasks in creation order, so a 502 only happens while another identical create of the same tenant is still in flight.`,
      ];
      return { rows: [row], notes, failures };
    } finally {
      await gateway.close();
    }
  } finally {
    await sandbox.close();
  }
}

/** Every task the sandbox holds, by listing its data plane page by page. */
async function listAll(dataPlaneUrl: string, apiKey: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${dataPlaneUrl}/contents/generations/tasks?page_size=500&page_num=${page}`, { headers: { authorization: `Bearer ${apiKey}` } });
    const body = (await res.json()) as { items: { id: string }[] };
    ids.push(...body.items.map((t) => t.id));
    if (body.items.length < 500) return ids;
  }
}
