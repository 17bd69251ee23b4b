import { startGateway, type TestGateway } from './support/test-gateway';

describe('health and API docs', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => gw?.close());

  it('GET /healthz and /readyz need no token', async () => {
    expect(await gw.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await gw.call('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', database: 'ok' } });
  });

  it('every response carries X-Request-Id', async () => {
    const res = await gw.call('GET', '/healthz');
    expect(res.headers.get('x-request-id')).toMatch(/^\d{14}[0-9A-F]{20}$/);
  });

  it('/docs serves the Swagger UI', async () => {
    const res = await fetch(`${gw.url}/docs`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger');
  });

  it('/docs-json documents every route with the bearer scheme and the documented examples', async () => {
    const doc = (await gw.call('GET', '/docs-json')).body;
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(routes.sort()).toEqual(
      [
        'POST /volcark/api/v3/contents/generations/tasks',
        'GET /volcark/api/v3/contents/generations/tasks',
        'GET /volcark/api/v3/contents/generations/tasks/{task_id}',
        'DELETE /volcark/api/v3/contents/generations/tasks/{task_id}',
        'POST /admin/tenants',
        'GET /admin/tenants',
        'GET /admin/tenants/{id}',
        'PATCH /admin/tenants/{id}',
        'POST /admin/tenants/{id}/tokens',
        'GET /admin/tenants/{id}/tokens',
        'POST /admin/tokens',
        'GET /admin/tokens',
        'DELETE /admin/tokens/{id}',
        'GET /admin/model-mappings',
        'PUT /admin/model-mappings/{model}',
        'DELETE /admin/model-mappings/{model}',
        'POST /volcark',
        'GET /admin/prices',
        'PUT /admin/prices/{sku}',
        'GET /admin/reconciliation',
        'GET /billing/usage',
        'GET /audit/events',
        'GET /audit/verify',
        'GET /audit/tasks/export',
        'GET /admin/tasks',
        'GET /admin/tasks/{id}',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        'POST /v1/videos',
        'GET /v1/videos',
        'GET /v1/videos/{id}',
        'DELETE /v1/videos/{id}',
        'GET /v1/videos/{id}/content',
        'GET /v1/models',
        'GET /v1/models/{id}',
      ].sort(),
    );
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const create = doc.paths['/volcark/api/v3/contents/generations/tasks'].post;
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(create.requestBody.content['application/json'].examples.fourK.value.resolution).toBe('4k');
    expect(create.responses['200'].content['application/json'].schema.$ref).toContain('CreateTaskResponseDto');
    const get = doc.paths['/volcark/api/v3/contents/generations/tasks/{task_id}'].get;
    expect(get.responses['200'].content['application/json'].schema.example.usage.completion_tokens).toBe(40594);
    expect(doc.components.schemas.CreateTaskDto.properties.duration).toBeDefined();
    const reconciliation = doc.paths['/admin/reconciliation'].get;
    expect(reconciliation.responses['200'].content['application/json'].schema.example.orphans[0]).toMatchObject({ note: 'novideo assumed' });
    expect(reconciliation.responses['200'].content['application/json'].schema.example.asset_submissions[0]).toMatchObject({
      kind: 'asset',
      status: 'unresolved',
    });
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const ok = Object.entries(op.responses as Record<string, any>).find(([status]) => status.startsWith('2'));
        const content = ok?.[1].content ?? {};
        const documented = Object.values(content as Record<string, { schema?: unknown }>).some((c) => !!c.schema);
        expect({ route: `${method} ${path}`, documented }).toEqual({ route: `${method} ${path}`, documented: true });
      }
    }
  });
});
