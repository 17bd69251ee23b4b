/** What the unknown-outcome suites (docs/contract.md §9) share: stored records, audit events and an injected commit failure. */
import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../../src/audit/audit-event.entity';
import { TaskEntity } from '../../src/tasks/task.entity';
import type { TestGateway } from './test-gateway';
import { testTenantId } from './tenant-id';

/** Every task record of a tenant (or all), oldest first, whatever its status. */
export function records(gw: TestGateway, tenantId?: string): Promise<TaskEntity[]> {
  return gw.app
    .get(DataSource)
    .getRepository(TaskEntity)
    .find({ where: tenantId ? { tenantId: testTenantId(tenantId) } : {}, order: { createdAt: 'ASC' } });
}

export function auditEvents(gw: TestGateway, action: string): Promise<AuditEventEntity[]> {
  return gw.app.get(DataSource).getRepository(AuditEventEntity).find({ where: { action } });
}

/**
 * A database trigger that aborts every change of a task record from `submitting` to `queued`: the upstream accepted
 * the create but the transaction that records it fails. Returns the function that removes it.
 */
export async function failRecordingAccepted(gw: TestGateway): Promise<() => Promise<void>> {
  const ds = gw.app.get(DataSource);
  if (gw.db.engine === 'sqlite') {
    await ds.query(
      `CREATE TRIGGER fail_recording_accepted BEFORE UPDATE OF status ON tasks
       WHEN OLD.status = 'submitting' AND NEW.status = 'queued'
       BEGIN SELECT RAISE(ABORT, 'injected failure of the accepting transaction'); END`,
    );
    return async () => void (await ds.query('DROP TRIGGER fail_recording_accepted'));
  }
  await ds.query(
    `CREATE FUNCTION fail_recording_accepted() RETURNS trigger AS $$
     BEGIN RAISE EXCEPTION 'injected failure of the accepting transaction'; END $$ LANGUAGE plpgsql`,
  );
  await ds.query(
    `CREATE TRIGGER fail_recording_accepted BEFORE UPDATE ON tasks FOR EACH ROW
     WHEN (OLD.status = 'submitting' AND NEW.status = 'queued') EXECUTE FUNCTION fail_recording_accepted()`,
  );
  return async () => {
    await ds.query('DROP TRIGGER fail_recording_accepted ON tasks');
    await ds.query('DROP FUNCTION fail_recording_accepted()');
  };
}
