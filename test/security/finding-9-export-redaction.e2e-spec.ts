import { ADMIN_TOKEN, startGateway, TASKS, type TestGateway } from '../support/test-gateway';

/**
 * Issue 9, finding 9: task exports leaked callback secrets (`token=`, `sig=`, `api_key=` query parameters) that
 * audit events redact. One redaction function serves both, so the two read the same.
 */
describe('finding 9: exports redact callback secrets exactly as audit events do', () => {
  let gw: TestGateway;
  let taskId: string;
  const secrets = ['s3cr3t-token-value', 'sig-value-abc', 'k-123-api-key', 'X-Amz-sig-deadbeef'];
  const callback = `https://example.com/volcark/callback?order=77&token=${secrets[0]}&sig=${secrets[1]}&api_key=${secrets[2]}&X-Amz-Signature=${secrets[3]}`;

  beforeAll(async () => {
    gw = await startGateway();
    const t = await gw.newTenant({ media_policy: 'any' });
    const res = await gw.call('POST', TASKS, {
      token: t.token,
      body: { model: 'dreamina-seedance-2-0', content: [{ type: 'text', text: 'A boat.' }], duration: 5, callback_url: callback },
    });
    expect(res.status).toBe(200);
    taskId = res.body.id;
  });
  afterAll(async () => gw?.close());

  const exported = async (format: 'csv' | 'ndjson') => {
    const res = await fetch(`${gw.url}/audit/tasks/export?format=${format}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  const auditedCallback = async (): Promise<string> => {
    const events = await gw.admin('GET', '/audit/events?action=task.create');
    return events.body.items.find((e: any) => e.target_id === taskId).properties.upstream_request.callback_url;
  };

  it('the upstream still gets the callback URL as sent (the secret is the tenant’s to use)', () => {
    const sent = gw.sandbox.control.requests().find((r) => r.op === 'create')?.body as Record<string, unknown>;
    expect(sent.callback_url).toBe(callback);
  });

  it('NDJSON: the callback_url column equals the audit event’s, with no secret left', async () => {
    const text = await exported('ndjson');
    for (const secret of secrets) expect(text).not.toContain(secret);
    const row = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((r) => r.task_id === taskId);
    expect(row.callback_url).toBe(await auditedCallback());
    expect(row.callback_url).toBe(
      'https://example.com/volcark/callback?order=77&token=[REDACTED]&sig=[REDACTED]&api_key=[REDACTED]&X-Amz-Signature=[REDACTED]',
    );
  });

  it('CSV: no secret left either', async () => {
    const text = await exported('csv');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('order=77&token=[REDACTED]&sig=[REDACTED]&api_key=[REDACTED]');
  });
});
