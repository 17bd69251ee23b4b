import { openMigratedDataSource } from '../../test/support/test-database';
import type { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEventRepository } from './audit-event.repository';
import { AuditService } from './audit.service';

/** Medium: the chain against a real database (SQLite, or PostgreSQL when DATABASE_URL is set). */
describe('AuditService (medium)', () => {
  const ctx = () => ({ requestId: 'req', ip: '127.0.0.1' }) as never;

  it.each([
    ['without a key', undefined],
    ['with a key', 'k'.repeat(32)],
  ])('concurrent appends %s each get their own seq and chain one after another', async (_name, auditKey) => {
    const { ds, close } = await openMigratedDataSource();
    try {
      const audit = new AuditService(new AuditEventRepository(ds.getRepository(AuditEventEntity)), UnitOfWork.for(ds), { auditKey } as AppConfig);
      const events = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          audit.recordAlone({ action: 'task.create', ctx: ctx(), tenantId: null, targetId: `t${i}`, outcome: { status: 200 } }),
        ),
      );
      const seqs = events.map((e) => e.seq);
      expect(seqs.every((s) => Number.isInteger(s) && s > 0)).toBe(true);
      expect(new Set(seqs).size).toBe(25);
      const stored = await ds.getRepository(AuditEventEntity).find({ order: { seq: 'ASC' } });
      expect(stored.map((e) => e.seq).sort((a, b) => a - b)).toEqual([...seqs].sort((a, b) => a - b));
      for (let i = 1; i < stored.length; i++) expect(stored[i].prevHash).toBe(stored[i - 1].hash);
      const verdict = await audit.verify();
      expect(verdict).toMatchObject({ ok: true, events_checked: 25, first_broken: null });
    } finally {
      await close();
    }
  });
});
