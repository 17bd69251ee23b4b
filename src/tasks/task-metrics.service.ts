import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { MetricsService } from '../observability/metrics.service';
import { TaskCrossTenantReader } from './task-cross-tenant.reader';

/** How long the task counts read from the database are reused: a scrape never costs more than one count per this. */
const TASK_COUNT_TTL_MS = 5000;

interface TaskCounts {
  byStatus: Map<string, number>;
  unreconciled: number;
}

/**
 * The task gauges of /metrics (docs/contract.md §12): records by status and records still unreconciled. They are
 * counted in the database (shared by every instance), cached a few seconds, and registered with MetricsService, which
 * knows nothing of tasks.
 */
@Injectable()
export class TaskMetrics implements OnModuleInit {
  private counts?: { at: number; value: Promise<TaskCounts> };

  constructor(
    private readonly crossTenant: TaskCrossTenantReader,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  onModuleInit(): void {
    if (!this.metrics) return;
    this.metrics.registerGaugeSource({
      name: 'arkgate_tasks',
      help: 'Task records by status (all instances; read from the database, cached a few seconds).',
      labelNames: ['status'],
      read: async () => [...(await this.taskCounts()).byStatus].map(([status, value]) => ({ labels: { status }, value })),
    });
    this.metrics.registerGaugeSource({
      name: 'arkgate_unreconciled_tasks',
      help: 'Records whose upstream outcome is still being resolved, or was given up on and flagged for the operator.',
      read: async () => [{ value: (await this.taskCounts()).unreconciled }],
    });
  }

  private taskCounts(): Promise<TaskCounts> {
    const now = Date.now();
    if (!this.counts || now - this.counts.at > TASK_COUNT_TTL_MS) {
      const value = this.readCounts();
      this.counts = { at: now, value };
      value.catch(() => (this.counts = undefined));
    }
    return this.counts.value;
  }

  private async readCounts(): Promise<TaskCounts> {
    const byStatus = await this.crossTenant.countByStatus();
    const flagged = await this.crossTenant.countFlagged();
    return { byStatus, unreconciled: (byStatus.get('unknown') ?? 0) + flagged };
  }
}
