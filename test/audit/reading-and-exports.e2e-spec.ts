import { createAndFinish } from '../support/billing';
import { ADMIN_TOKEN, startGateway, TASKS, type TestGateway } from '../support/test-gateway';

/** Auditors read events and export every task record with its cost; tenants can do neither. */
describe('audit reading and task exports', () => {
  let gw: TestGateway;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  let auditor: { id: string; token: string };
  const body = {
    model: 'dreamina-seedance-2-0',
    content: [{ type: 'text', text: 'boat' }],
    resolution: '720p',
    ratio: '16:9',
    duration: 5,
    safety_identifier: 'user-hash-001',
    callback_url: 'https://example.com/volcark/callback',
  };
  let succeeded: Record<string, any>;
  let failed: Record<string, any>;

  beforeAll(async () => {
    gw = await startGateway();
    a = await gw.newTenant({ media_policy: 'any', name: 'acme' });
    b = await gw.newTenant({ media_policy: 'any', name: 'globex' });
    auditor = (await gw.admin('POST', '/admin/tokens', { name: 'aud', role: 'auditor' })).body;
    succeeded = await createAndFinish(gw, a.token, body);
    failed = await createAndFinish(gw, a.token, body, 'failed');
    await gw.call('DELETE', `${TASKS}/${succeeded.id}`, { token: a.token });
    await createAndFinish(gw, b.token, { ...body, model: 'dreamina-seedance-2-0-fast', resolution: '480p' });
  });
  afterAll(async () => gw?.close());

  const asAuditor = (path: string) => gw.call('GET', path, { token: auditor.token });

  describe('events', () => {
    it('filter by tenant, action and actor; newest first', async () => {
      const res = await asAuditor(`/audit/events?tenant_id=${a.id}&action=task.create`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((e: { target_id: string }) => e.target_id)).toEqual([failed.id, succeeded.id]);
      const byActor = await asAuditor('/audit/events?actor=bootstrap-admin&action=admin.tenant.create');
      expect(byActor.body.items.length).toBeGreaterThanOrEqual(2);
      expect(byActor.body.items.every((e: { actor: { role: string } }) => e.actor.role === 'admin')).toBe(true);
    });

    it('a time range', async () => {
      const future = await asAuditor('/audit/events?from=2100-01-01');
      expect(future.body.items).toEqual([]);
      const past = await asAuditor('/audit/events?to=2000-01-01');
      expect(past.body.items).toEqual([]);
      const all = await asAuditor('/audit/events?from=2000-01-01&to=2100-01-01');
      expect(all.body.items.length).toBeGreaterThan(5);
    });

    it('cursor pagination walks every event once', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await asAuditor(`/audit/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((e: { seq: number }) => e.seq));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...seen].sort((x, y) => y - x));
      const all = await asAuditor('/audit/events?limit=500');
      expect(seen.length).toBe(all.body.items.length);
    });

    it.each([['limit=0'], ['limit=501'], ['cursor=abc'], ['from=yesterday']])('%s → 400', async (qs) => {
      expect((await asAuditor(`/audit/events?${qs}`)).status).toBe(400);
    });
  });

  describe('auditor tokens are read-only; tenants cannot read the audit', () => {
    it('an auditor can verify, export and read usage, and nothing else', async () => {
      expect((await asAuditor('/audit/verify')).status).toBe(200);
      expect((await asAuditor('/billing/usage')).status).toBe(200);
      for (const [method, path] of [
        ['GET', '/admin/tenants'],
        ['GET', TASKS],
        ['POST', '/admin/tenants'],
        ['GET', '/admin/tasks'],
      ] as const) {
        expect((await gw.call(method, path, { token: auditor.token, body: method === 'POST' ? { name: 'x' } : undefined })).status).toBe(403);
      }
    });

    it.each(['/audit/events', '/audit/verify', '/audit/tasks/export?format=csv'])('a tenant token on %s → 403, no token → 401', async (path) => {
      expect((await gw.call('GET', path, { token: a.token })).status).toBe(403);
      expect((await gw.call('GET', path)).status).toBe(401);
    });

    it('an admin may read too', async () => {
      expect((await gw.call('GET', '/audit/events', { token: ADMIN_TOKEN })).status).toBe(200);
    });
  });

  describe('task export', () => {
    it('CSV: every task, hidden ones included, with cost columns', async () => {
      const res = await fetch(`${gw.url}/audit/tasks/export?format=csv`, { headers: { authorization: `Bearer ${auditor.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      const text = await res.text();
      const [header, ...lines] = text.trim().split('\n');
      expect(header.split(',')).toEqual(
        expect.arrayContaining([
          'task_id',
          'tenant_id',
          'tenant_name',
          'model',
          'upstream_model',
          'status',
          'sku',
          'tokens',
          'unit_price_usd_per_million_tokens',
          'amount_usd',
          'hidden_by_tenant',
          'callback_url',
          'safety_identifier',
          'error_code',
          'video_input',
          'created_at',
          'finished_at',
        ]),
      );
      expect(lines).toHaveLength(3);
      const cols = header.split(',');
      const row = (id: string) =>
        Object.fromEntries(
          lines
            .find((l) => l.startsWith(id))!
            .split(',')
            .map((v, i) => [cols[i], v]),
        );
      expect(row(succeeded.id)).toMatchObject({
        tenant_name: expect.stringContaining('acme'),
        model: 'dreamina-seedance-2-0',
        upstream_model: 'dreamina-seedance-2-0-260128',
        status: 'succeeded',
        sku: 'dreamina-seedance-2-0-720p-novideo',
        tokens: '108900',
        unit_price_usd_per_million_tokens: '7.00',
        amount_usd: '0.7623',
        hidden_by_tenant: 'true',
        video_input: 'false',
        safety_identifier: 'user-hash-001',
        callback_url: 'https://example.com/volcark/callback',
      });
      expect(row(failed.id)).toMatchObject({
        status: 'failed',
        sku: '',
        amount_usd: '',
        hidden_by_tenant: 'false',
        error_code: 'OutputVideoSensitiveContentDetected',
      });
    });

    it('NDJSON with filters', async () => {
      const res = await fetch(`${gw.url}/audit/tasks/export?format=ndjson&tenant_id=${b.id}&model=dreamina-seedance-2-0-fast-260128&status=succeeded`, {
        headers: { authorization: `Bearer ${auditor.token}` },
      });
      expect(res.headers.get('content-type')).toContain('application/x-ndjson');
      const rows = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        tenant_id: b.id,
        model: 'dreamina-seedance-2-0-fast',
        sku: 'dreamina-seedance-2-0-fast-novideo',
        tokens: 50638,
        amount_usd: '0.2835728',
        hidden_by_tenant: false,
      });
      // 480p 16:9 5 s = 864×496×121/1024 = 50638 tokens × $5.6/M
    });

    it('the resolution is the one upstream reported: a task asked without one exports upstream’s default', async () => {
      const c = await gw.newTenant({ media_policy: 'any', name: 'initech' });
      const { resolution: _asked, ...unsized } = body;
      const task = await createAndFinish(gw, c.token, unsized);
      expect(task.resolution).toBe('720p');
      const text = await (
        await fetch(`${gw.url}/audit/tasks/export?format=ndjson&tenant_id=${c.id}`, { headers: { authorization: `Bearer ${auditor.token}` } })
      ).text();
      expect(
        text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ).toEqual([expect.objectContaining({ task_id: task.id, resolution: '720p' })]);
    });

    it('no token or secret in an export', async () => {
      const text = await (await fetch(`${gw.url}/audit/tasks/export?format=ndjson`, { headers: { authorization: `Bearer ${auditor.token}` } })).text();
      for (const secret of [a.token, b.token, auditor.token, ADMIN_TOKEN, gw.sandbox.apiKey]) expect(text).not.toContain(secret);
    });

    it.each([['format=xml'], ['status=done'], ['from=soon'], ['model=seedance-2-0']])('%s → 400', async (qs) => {
      expect((await asAuditor(`/audit/tasks/export?${qs}`)).status).toBe(400);
    });
  });
});
