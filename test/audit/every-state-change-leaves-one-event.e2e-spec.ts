import { CREATE_EXAMPLES } from '../../src/tasks/dto/task-examples';
import { ADMIN_TOKEN, type CallResult, eventually, startGateway, TASKS, type TestGateway } from '../support/test-gateway';

/**
 * docs/contract.md §6 / issue: every state-changing call writes exactly one audit event — who, which tenant,
 * what, when, request id, client IP, outcome — and task creates keep the exact upstream request.
 */
describe('every state-changing call leaves exactly one audit event', () => {
  let gw: TestGateway;
  let t: { id: string; token: string };
  let auditor: string;
  let adminTokenId: string;

  beforeAll(async () => {
    gw = await startGateway();
    t = await gw.newTenant({ media_policy: 'any' });
    auditor = (await gw.admin('POST', '/admin/tokens', { name: 'aud', role: 'auditor' })).body.token;
    adminTokenId = 'bootstrap-admin';
  });
  afterAll(async () => gw?.close());

  const eventsOf = async (res: CallResult) => {
    const rid = res.headers.get('x-request-id') as string;
    const list = await gw.call('GET', `/audit/events?request_id=${encodeURIComponent(rid)}`, { token: auditor });
    expect(list.status).toBe(200);
    return list.body.items as Record<string, any>[];
  };
  const one = async (res: CallResult) => {
    const events = await eventsOf(res);
    expect(events).toHaveLength(1);
    return events[0];
  };

  it('task create (accepted): actor, tenant, target, outcome and the exact upstream request with callback_url', async () => {
    const res = await gw.call('POST', TASKS, {
      token: t.token,
      body: { ...CREATE_EXAMPLES.fourK.value, callback_url: undefined, CallbackURL: 'https://example.com/cb?token=secret123' },
    });
    expect(res.status).toBe(200);
    const e = await one(res);
    expect(e).toMatchObject({
      action: 'task.create',
      tenant_id: t.id,
      target_id: res.body.id,
      outcome: { status: 200, error_code: null },
      actor: { role: 'tenant', token_id: expect.any(String) },
      request_id: res.headers.get('x-request-id'),
      client_ip: expect.stringMatching(/127\.0\.0\.1/),
    });
    const sent = gw.sandbox.control
      .requests()
      .filter((r) => r.op === 'create')
      .pop()?.body as Record<string, unknown>;
    expect(e.properties.upstream_request).toEqual({ ...sent, callback_url: 'https://example.com/cb?token=[REDACTED]' });
    expect(e.properties.upstream_request.model).toBe('dreamina-seedance-2-0-260128');
  });

  it.each([
    ['a validation error', { model: 'dreamina-seedance-2-0', content: [{ type: 'text', text: 'x' }], duration: 3 }, 400, 'invalid_duration'],
    ['a refused model name', { model: 'seedance-2-0', content: [{ type: 'text', text: 'x' }] }, 400, 'invalid_request'],
  ])('task create refused after auth (%s) → one event with the error', async (_, body, status, code) => {
    const res = await gw.call('POST', TASKS, { token: t.token, body });
    expect(res.status).toBe(status);
    expect(await one(res)).toMatchObject({ action: 'task.create', tenant_id: t.id, outcome: { status, error_code: code } });
  });

  it('task create refused upstream → one event with the upstream status and code', async () => {
    gw.sandbox.control.addFault({
      op: 'create',
      kind: 'status',
      status: 400,
      body: { error: { code: 'InvalidParameter', message: 'bad', param: '', type: 'BadRequest' } },
    });
    const res = await gw.call('POST', TASKS, { token: t.token, body: CREATE_EXAMPLES.fast480p.value });
    expect(res.status).toBe(400);
    expect(await one(res)).toMatchObject({ action: 'task.create', outcome: { status: 400, error_code: 'InvalidParameter' }, target_id: null });
  });

  it('a suspended tenant’s create (refused by the guard) → one event; a request without a valid token → none', async () => {
    const s = await gw.newTenant();
    await gw.admin('PATCH', `/admin/tenants/${s.id}`, { status: 'suspended' });
    const res = await gw.call('POST', TASKS, { token: s.token, body: CREATE_EXAMPLES.fast480p.value });
    expect(res.status).toBe(503);
    expect(await one(res)).toMatchObject({ action: 'task.create', tenant_id: s.id, outcome: { status: 503, error_code: 'service_unavailable' } });
    const anon = await gw.call('POST', TASKS, { body: CREATE_EXAMPLES.fast480p.value });
    expect(anon.status).toBe(401);
    expect(await eventsOf(anon)).toHaveLength(0);
  });

  it('a state-changing call refused for its role (by the guard) → one event with the caller and the target', async () => {
    const res = await gw.call('DELETE', '/admin/tokens/some-token', { token: t.token });
    expect(res.status).toBe(403);
    expect(await one(res)).toMatchObject({
      action: 'admin.token.revoke',
      tenant_id: t.id,
      target_id: 'some-token',
      actor: { role: 'tenant' },
      outcome: { status: 403, error_code: 'forbidden' },
    });
  });

  it('reads leave no event', async () => {
    const res = await gw.call('GET', TASKS, { token: t.token });
    expect(await eventsOf(res)).toHaveLength(0);
  });

  it('task delete: cancel, hide, and a refused running delete each leave one event', async () => {
    gw.sandbox.control.holdAll('queued');
    const queued = await gw.call('POST', TASKS, { token: t.token, body: CREATE_EXAMPLES.fast480p.value });
    const cancel = await gw.call('DELETE', `${TASKS}/${queued.body.id}`, { token: t.token });
    expect(await one(cancel)).toMatchObject({
      action: 'task.delete',
      target_id: queued.body.id,
      outcome: { status: 200 },
      properties: { effect: 'cancelled' },
    });
    gw.sandbox.control.holdAll('running');
    const running = await gw.call('POST', TASKS, { token: t.token, body: CREATE_EXAMPLES.fast480p.value });
    await eventually(
      () => gw.call('GET', `${TASKS}/${running.body.id}`, { token: t.token }),
      (r) => r.body.status === 'running',
    );
    const refused = await gw.call('DELETE', `${TASKS}/${running.body.id}`, { token: t.token });
    expect(refused.status).toBe(409);
    expect(await one(refused)).toMatchObject({
      action: 'task.delete',
      target_id: running.body.id,
      outcome: { status: 409, error_code: 'InvalidAction.RunningTaskDeletion' },
    });
    gw.sandbox.control.holdAll(null);
    gw.sandbox.control.forceOutcome(running.body.id, 'succeeded');
    await eventually(
      () => gw.call('GET', `${TASKS}/${running.body.id}`, { token: t.token }),
      (r) => r.body.status === 'succeeded',
    );
    const hide = await gw.call('DELETE', `${TASKS}/${running.body.id}`, { token: t.token });
    expect(await one(hide)).toMatchObject({ action: 'task.delete', outcome: { status: 200 }, properties: { effect: 'hidden' } });
  });

  it('asset group and asset creates, and a refused Delete*, each leave one event; List/Get none', async () => {
    const call = (action: string, body: unknown) => gw.call('POST', `/volcark/?Action=${action}&Version=2024-01-01`, { token: t.token, body });
    const group = await call('CreateAssetGroup', { Name: 'g' });
    expect(await one(group)).toMatchObject({ action: 'asset.CreateAssetGroup', tenant_id: t.id, target_id: group.body.Result.Id, outcome: { status: 200 } });
    const asset = await call('CreateAsset', { GroupId: group.body.Result.Id, URL: 'https://media.example.com/a.png', AssetType: 'Image' });
    expect(await one(asset)).toMatchObject({ action: 'asset.CreateAsset', target_id: asset.body.Result.Id, properties: { group_id: group.body.Result.Id } });
    const del = await call('DeleteAsset', { Id: asset.body.Result.Id });
    expect(await one(del)).toMatchObject({ action: 'asset.DeleteAsset', outcome: { status: 403, error_code: 'InvalidAction' } });
    expect(await eventsOf(await call('ListAssets', {}))).toHaveLength(0);
  });

  it('every admin change leaves one event with the admin as actor', async () => {
    const created = await gw.admin('POST', '/admin/tenants', { name: 'audited' });
    expect(await one(created)).toMatchObject({
      action: 'admin.tenant.create',
      tenant_id: created.body.id,
      target_id: created.body.id,
      actor: { role: 'admin', token_id: adminTokenId },
      outcome: { status: 201 },
    });
    const patched = await gw.admin('PATCH', `/admin/tenants/${created.body.id}`, { spend_limit_usd: '10.00', rate_limit_per_minute: 50 });
    expect(await one(patched)).toMatchObject({
      action: 'admin.tenant.update',
      properties: { changes: { spend_limit_usd: '10.00', rate_limit_per_minute: 50 } },
    });
    const token = await gw.admin('POST', `/admin/tenants/${created.body.id}/tokens`, { name: 'k' });
    expect(await one(token)).toMatchObject({ action: 'admin.token.issue', target_id: token.body.id, tenant_id: created.body.id });
    const staff = await gw.admin('POST', '/admin/tokens', { name: 'ops', role: 'admin' });
    expect(await one(staff)).toMatchObject({ action: 'admin.token.issue', target_id: staff.body.id, properties: { role: 'admin' } });
    const revoked = await gw.admin('DELETE', `/admin/tokens/${staff.body.id}`);
    expect(await one(revoked)).toMatchObject({ action: 'admin.token.revoke', target_id: staff.body.id });
    const put = await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-filter-off', { upstream_model: 'ep-audit' });
    expect(await one(put)).toMatchObject({
      action: 'admin.model_mapping.put',
      target_id: 'dreamina-seedance-2-0-filter-off',
      properties: { upstream_model: 'ep-audit' },
    });
    const del = await gw.admin('DELETE', '/admin/model-mappings/dreamina-seedance-2-0-filter-off');
    expect(await one(del)).toMatchObject({ action: 'admin.model_mapping.delete', properties: { previous: 'ep-audit' } });
    const price = await gw.admin('PUT', '/admin/prices/dreamina-seedance-2-0-mini-video', { usd_per_million_tokens: '2.0' });
    expect(await one(price)).toMatchObject({
      action: 'admin.price.put',
      target_id: 'dreamina-seedance-2-0-mini-video',
      properties: { usd_per_million_tokens: '2.00', previous_usd_per_million_tokens: '2.10' },
    });
    const refused = await gw.admin('POST', '/admin/tenants', { name: '' });
    expect(refused.status).toBe(400);
    expect(await one(refused)).toMatchObject({ action: 'admin.tenant.create', outcome: { status: 400, error_code: 'invalid_request' } });
  });

  it('no secret or token appears in any event', async () => {
    const all: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: CallResult = await gw.call('GET', `/audit/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token: ADMIN_TOKEN });
      all.push(...page.body.items);
      cursor = page.body.next_cursor;
    } while (cursor);
    const text = JSON.stringify(all);
    expect(all.length).toBeGreaterThan(20);
    for (const secret of [t.token, auditor, ADMIN_TOKEN, gw.sandbox.apiKey, gw.sandbox.secretAccessKey, 'secret123']) expect(text).not.toContain(secret);
  });
});
