import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RedisConnection } from '../common/redis/redis-connection';
import { TaskCrossTenantReader } from '../tasks/task-cross-tenant.reader';

/** How long the task counts read from the database are reused: a scrape never costs more than one count per this. */
const TASK_COUNT_TTL_MS = 5000;

/**
 * The Prometheus metrics of one instance (docs/contract.md §12), in a registry of its own (several apps may share a
 * process in tests). Labels are route templates, plane and operation names, statuses and SKUs: never a raw URL, a
 * tenant id or a token. Task counts come from the database (shared by every instance), cached a few seconds.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly upstreamRequests: Counter<'plane' | 'operation' | 'outcome'>;
  private readonly settleLag: Histogram;
  private readonly ledgerCharges: Counter<'sku'>;
  private counts?: { at: number; value: Promise<{ byStatus: Map<string, number>; unreconciled: number }> };

  constructor(
    private readonly tasks: TaskCrossTenantReader,
    private readonly redis: RedisConnection,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'arkgate_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'arkgate_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route template.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.upstreamRequests = new Counter({
      name: 'arkgate_upstream_requests_total',
      help: 'Calls to BytePlus by plane (data, control), operation and outcome (ok, refused, unavailable, error).',
      labelNames: ['plane', 'operation', 'outcome'],
      registers,
    });
    this.settleLag = new Histogram({
      name: 'arkgate_task_settle_lag_seconds',
      help: 'From the upstream finish of a task to the moment arkgate recorded (and, for a success, charged) it.',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
      registers,
    });
    this.ledgerCharges = new Counter({
      name: 'arkgate_ledger_charges_total',
      help: 'Ledger charges written by this instance, by SKU.',
      labelNames: ['sku'],
      registers,
    });
    const self = this;
    new Gauge({
      name: 'arkgate_tasks',
      help: 'Task records by status (all instances; read from the database, cached a few seconds).',
      labelNames: ['status'],
      registers,
      async collect() {
        const { byStatus } = await self.taskCounts();
        this.reset();
        for (const [status, n] of byStatus) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'arkgate_unreconciled_tasks',
      help: 'Records whose upstream outcome is still being resolved, or was given up on and flagged for the operator.',
      registers,
      async collect() {
        this.set((await self.taskCounts()).unreconciled);
      },
    });
    new Gauge({
      name: 'arkgate_redis_fallbacks',
      help: 'Calls that used the in-process fallback because Redis was unreachable, since this instance started.',
      registers,
      collect() {
        this.set(self.redis.fallbacks);
      },
    });
  }

  /** One answered HTTP request. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  /** One call to BytePlus and how it ended. */
  observeUpstream(plane: 'data' | 'control', operation: string, outcome: UpstreamOutcome): void {
    this.upstreamRequests.inc({ plane, operation, outcome });
  }

  /** A task recorded as finished, `lagSeconds` after upstream finished it. */
  observeSettled(lagSeconds: number): void {
    if (Number.isFinite(lagSeconds)) this.settleLag.observe(Math.max(0, lagSeconds));
  }

  /** A ledger charge committed. */
  observeCharge(sku: string): void {
    this.ledgerCharges.inc({ sku });
  }

  /** The Prometheus text exposition. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private taskCounts(): Promise<{ byStatus: Map<string, number>; unreconciled: number }> {
    const now = Date.now();
    if (!this.counts || now - this.counts.at > TASK_COUNT_TTL_MS) {
      const value = this.readCounts();
      this.counts = { at: now, value };
      value.catch(() => (this.counts = undefined));
    }
    return this.counts.value;
  }

  private async readCounts(): Promise<{ byStatus: Map<string, number>; unreconciled: number }> {
    const byStatus = await this.tasks.countByStatus();
    const flagged = await this.tasks.countFlagged();
    return { byStatus, unreconciled: (byStatus.get('unknown') ?? 0) + flagged };
  }
}

export type UpstreamOutcome = 'ok' | 'refused' | 'unavailable' | 'error';
