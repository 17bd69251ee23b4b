import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../../src/audit/audit-event.entity';
import { startGateway, type TestGateway } from '../support/test-gateway';

/** Tamper evidence: each event carries the previous one's hash; /audit/verify finds the first broken link. */
describe('a changed or removed audit event is detected', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startGateway();
    for (let i = 0; i < 5; i++) await gw.admin('POST', '/admin/tenants', { name: `t${i}` });
  });
  afterEach(async () => gw?.close());

  const verify = () => gw.admin('GET', '/audit/verify');
  const repo = () => gw.app.get(DataSource).getRepository(AuditEventEntity);

  it('an intact chain verifies', async () => {
    expect((await verify()).body).toEqual({
      ok: true,
      events_checked: 5,
      first_broken: null,
      audit_key: 'not configured',
      keyed_from_seq: null,
      unverified_keyed_events: 0,
    });
  });

  it('editing a stored event (even one field) breaks its link', async () => {
    const third = (await repo().find({ order: { seq: 'ASC' } }))[2];
    await gw.app.get(DataSource).query(`UPDATE audit_events SET outcome_status = 500 WHERE id = '${third.id}'`);
    expect((await verify()).body).toMatchObject({
      ok: false,
      events_checked: 2,
      first_broken: { seq: third.seq, id: third.id, kind: 'edited', reason: expect.stringContaining('changed') },
    });
  });

  it('editing properties breaks it too', async () => {
    const first = (await repo().find({ order: { seq: 'ASC' } }))[0];
    await gw.app.get(DataSource).query(`UPDATE audit_events SET properties = '{"input":{"name":"someone-else"}}' WHERE id = '${first.id}'`);
    expect((await verify()).body.first_broken).toMatchObject({ seq: first.seq });
  });

  it('removing an event in the middle or at the end is detected', async () => {
    const rows = await repo().find({ order: { seq: 'ASC' } });
    await gw.app.get(DataSource).query(`DELETE FROM audit_events WHERE id = '${rows[1].id}'`);
    expect((await verify()).body.first_broken).toMatchObject({ seq: rows[2].seq, kind: 'removed', reason: expect.stringContaining('removed') });
  });

  it('removing the newest event is detected against the chain head', async () => {
    const rows = await repo().find({ order: { seq: 'DESC' } });
    await gw.app.get(DataSource).query(`DELETE FROM audit_events WHERE id = '${rows[0].id}'`);
    const res = (await verify()).body;
    expect(res.ok).toBe(false);
    expect(res.first_broken).toMatchObject({ kind: 'truncated', reason: expect.stringContaining('missing') });
  });
});
