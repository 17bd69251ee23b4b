import { startSandbox } from '@arkgate/sandbox';
import { DataSource } from 'typeorm';
import { AuditChainEntity } from '../../src/audit/audit-chain.entity';
import { AuditEventEntity } from '../../src/audit/audit-event.entity';
import { eventHash } from '../../src/audit/audit-hash';
import { AuditService } from '../../src/audit/audit.service';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { createTestDatabase } from '../support/test-database';
import { startGateway, type TestGateway } from '../support/test-gateway';

const AUDIT_KEY = 'audit-key-for-tests-0123456789abcdef';

/**
 * Issue 9, finding 10: a database writer could edit an audit event and recompute the SHA-256 chain after it, and
 * /audit/verify saw nothing. With ARKGATE_AUDIT_KEY every hash is an HMAC with the key, so such a re-chain is
 * reported, at the edited event, as `re-chained`. Without the key it cannot be told apart (stated, and shown).
 */
describe('finding 10: the keyed audit chain', () => {
  const events = (gw: TestGateway) => gw.app.get(DataSource).getRepository(AuditEventEntity);
  const verify = async (gw: TestGateway) => (await gw.admin('GET', '/audit/verify')).body;
  const makeEvents = async (gw: TestGateway, n: number) => {
    for (let i = 0; i < n; i++) expect((await gw.admin('POST', '/admin/tenants', { name: `t-${i}-${Date.now()}` })).status).toBe(201);
  };

  /** What a writer with database access but without the key does: edit one event, recompute plain hashes from it on, move the head. */
  const editAndRechain = async (gw: TestGateway, index: number, opts: { keepKind?: boolean } = {}) => {
    const rows = await events(gw).find({ order: { seq: 'ASC' } });
    rows[index].outcomeStatus = 500;
    for (let i = index; i < rows.length; i++) {
      if (i > index) rows[i].prevHash = rows[i - 1].hash;
      rows[i].hash = eventHash(rows[i]);
      if (!opts.keepKind) rows[i].hashKind = 'sha256';
      await events(gw).update(
        { seq: rows[i].seq },
        { outcomeStatus: rows[i].outcomeStatus, prevHash: rows[i].prevHash, hash: rows[i].hash, hashKind: rows[i].hashKind },
      );
    }
    await gw.app
      .get(DataSource)
      .getRepository(AuditChainEntity)
      .update({ id: 1 }, { lastHash: rows[rows.length - 1].hash });
    return rows[index];
  };

  describe('with ARKGATE_AUDIT_KEY', () => {
    let gw: TestGateway;
    beforeEach(async () => {
      gw = await startGateway({ env: { ARKGATE_AUDIT_KEY: AUDIT_KEY } });
      await makeEvents(gw, 5);
    });
    afterEach(async () => gw?.close());

    it('every event is an HMAC and the intact chain verifies', async () => {
      expect((await events(gw).find()).map((e) => e.hashKind)).toEqual(Array(5).fill('hmac-sha256'));
      const first = (await events(gw).find({ order: { seq: 'ASC' } }))[0];
      expect(await verify(gw)).toEqual({
        ok: true,
        events_checked: 5,
        first_broken: null,
        audit_key: 'configured',
        keyed_from_seq: first.seq,
        unverified_keyed_events: 0,
      });
    });

    it('an edit re-chained with plain SHA-256 is reported as re-chained at the edited event', async () => {
      const edited = await editAndRechain(gw, 2);
      expect(await verify(gw)).toMatchObject({ ok: false, events_checked: 2, first_broken: { seq: edited.seq, id: edited.id, kind: 're-chained' } });
    });

    it('the same when the writer leaves the events marked as keyed', async () => {
      const edited = await editAndRechain(gw, 1, { keepKind: true });
      expect((await verify(gw)).first_broken).toMatchObject({ seq: edited.seq, kind: 're-chained' });
    });

    it('re-chaining the whole chain as plain is caught by the key mark', async () => {
      const edited = await editAndRechain(gw, 0);
      expect((await verify(gw)).first_broken).toMatchObject({ seq: edited.seq, kind: 're-chained' });
    });

    it('removing the key mark from the chain head is reported', async () => {
      await gw.app.get(DataSource).getRepository(AuditChainEntity).update({ id: 1 }, { keyMark: null, keyedFromSeq: null });
      expect(await verify(gw)).toMatchObject({ ok: false, first_broken: { kind: 're-chained', reason: expect.stringContaining('key mark') } });
    });

    it('an edit left as it is reads as edited, a deleted event as removed', async () => {
      const rows = await events(gw).find({ order: { seq: 'ASC' } });
      await events(gw).update({ seq: rows[3].seq }, { outcomeStatus: 500 });
      expect((await verify(gw)).first_broken).toMatchObject({ seq: rows[3].seq, kind: 'edited' });
      await events(gw).update({ seq: rows[3].seq }, { outcomeStatus: rows[3].outcomeStatus });
      await events(gw).delete({ seq: rows[1].seq });
      expect((await verify(gw)).first_broken).toMatchObject({ seq: rows[2].seq, kind: 'removed' });
    });
  });

  describe('without a key', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway();
      await makeEvents(gw, 4);
    });
    afterAll(async () => gw?.close());

    it('the same edit and re-chain is undetectable: the plain chain only protects against writers who do not recompute it', async () => {
      expect((await events(gw).find()).map((e) => e.hashKind)).toEqual(Array(4).fill('sha256'));
      await editAndRechain(gw, 1);
      expect(await verify(gw)).toMatchObject({ ok: true, audit_key: 'not configured', keyed_from_seq: null });
    });
  });

  describe('a chain begun without a key and continued with one', () => {
    it('verifies, keyed from the first event the keyed gateway wrote; a plain event after that is a downgrade', async () => {
      const db = await createTestDatabase({ shareable: true });
      const sandbox = await startSandbox({});
      try {
        const plain = await startGateway({ shared: { db, sandbox } });
        await makeEvents(plain, 2);
        await plain.close();

        const keyed = await startGateway({ shared: { db, sandbox }, env: { ARKGATE_AUDIT_KEY: AUDIT_KEY } });
        try {
          await makeEvents(keyed, 2);
          const rows = await events(keyed).find({ order: { seq: 'ASC' } });
          expect(rows.map((e) => e.hashKind)).toEqual(['sha256', 'sha256', 'hmac-sha256', 'hmac-sha256']);
          expect(await verify(keyed)).toMatchObject({ ok: true, events_checked: 4, keyed_from_seq: rows[2].seq });

          const downgraded = await editAndRechain(keyed, 3);
          expect((await verify(keyed)).first_broken).toMatchObject({ seq: downgraded.seq, kind: 're-chained' });
        } finally {
          await keyed.close();
        }
      } finally {
        await sandbox.close();
        await db.drop();
      }
    });
  });

  describe('an event written while a keyed gateway is still starting', () => {
    it('marks the chain from that event, and the chain verifies once started', async () => {
      const db = await createTestDatabase();
      const sandbox = await startSandbox({});
      const config = {
        ...loadConfig({
          ARKGATE_UPSTREAM: 'sandbox',
          ARK_API_KEY: sandbox.apiKey,
          ARK_BASE_URL: sandbox.dataPlaneUrl,
          ARKGATE_AUDIT_KEY: AUDIT_KEY,
          ARKGATE_SYNC_ENABLED: 'false',
          ARKGATE_RECONCILE_ENABLED: 'false',
        }),
        database: db.config,
      };
      const app = await createApp(config, { logger: false });
      try {
        const early = await app
          .get(AuditService)
          .recordAlone({ action: 'test.starting', ctx: { requestId: 'r-start', ip: '127.0.0.1' } as never, outcome: { status: 200 } });
        const head = await app.get(DataSource).getRepository(AuditChainEntity).findOneByOrFail({ id: 1 });
        expect(head.keyedFromSeq).toBe(early.seq);
        await app.init();
        const late = await app
          .get(AuditService)
          .recordAlone({ action: 'test.started', ctx: { requestId: 'r-started', ip: '127.0.0.1' } as never, outcome: { status: 200 } });
        expect([early.hashKind, late.hashKind]).toEqual(['hmac-sha256', 'hmac-sha256']);
        expect(await app.get(AuditService).verify()).toMatchObject({ ok: true, events_checked: 2, keyed_from_seq: early.seq });
      } finally {
        await app.close();
        await sandbox.close();
        await db.drop();
      }
    });
  });
});
