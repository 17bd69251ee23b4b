import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RedisConnection } from '../common/redis/redis-connection';

/** One value of a gauge read at scrape time: for one label set, or for the gauge itself when it has no labels. */
export interface GaugeReading {
  labels?: Record<string, string>;
  value: number;
}

/**
 * A gauge whose values another module reads when Prometheus scrapes (task counts from the database, say). This
 * module declares how such a gauge is shown; the module that owns the data registers it, so metrics depend on nothing
 * above them.
 */
export interface GaugeSource {
  name: string;
  help: string;
  labelNames?: string[];
  /** The current values; called on every scrape (the source caches what is costly). */
  read(): Promise<GaugeReading[]>;
}

/**
 * The Prometheus metrics of one instance (docs/contract.md §12), in a registry of its own (several apps may share a
 * process in tests). Labels are route templates, plane and operation names, statuses and SKUs: never a raw URL, a
 * tenant id or a token. Gauges read from another module's data (task counts) are registered by that module
 * (`registerGaugeSource`).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly upstreamRequests: Counter<'plane' | 'operation' | 'outcome'>;
  private readonly settleLag: Histogram;
  private readonly ledgerCharges: Counter<'sku'>;

  constructor(private readonly redis: RedisConnection) {
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
    new Gauge({
      name: 'arkgate_redis_fallbacks',
      help: 'Calls that used the in-process fallback because Redis was unreachable, since this instance started.',
      registers,
      collect() {
        this.set(redis.fallbacks);
      },
    });
  }

  /** A gauge whose values `source.read()` gives at each scrape; every value is replaced by the latest reading. */
  registerGaugeSource(source: GaugeSource): void {
    new Gauge({
      name: source.name,
      help: source.help,
      labelNames: source.labelNames ?? [],
      registers: [this.registry],
      async collect() {
        const readings = await source.read();
        this.reset();
        for (const { labels, value } of readings) {
          if (labels) this.set(labels, value);
          else this.set(value);
        }
      },
    });
  }

  /** One answered HTTP request. */
  /**
   * Whether each request is counted and timed (`arkgate_http_*`); on by default. The benchmark switches it off and on
   * between rounds on one running gateway to measure what the per-request metrics cost.
   */
  httpEnabled = true;

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
}

export type UpstreamOutcome = 'ok' | 'refused' | 'unavailable' | 'error';
