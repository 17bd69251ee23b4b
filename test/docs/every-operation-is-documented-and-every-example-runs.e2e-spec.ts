import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, startGateway, type TestGateway } from '../support/test-gateway';

type Operation = {
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown>; examples?: Record<string, { value: unknown }> }> }>;
};

const PACKAGE_VERSION = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
/** The ids the documented examples use, replaced with ones the test tenant owns. */
const EXAMPLE_GROUP = 'group-20260611210000-abcd1';
const EXAMPLE_IMAGES = ['asset-20260611210100-efgh2', 'asset-20260611210100-image1'];
const EXAMPLE_VIDEO = 'asset-20260611210200-video1';

describe('the API docs: every operation documented, every request example accepted', () => {
  let gw: TestGateway;
  let doc: { info: { version: string }; servers?: { url: string }[]; paths: Record<string, Record<string, Operation>>; components: any };
  let operations: { method: string; path: string; op: Operation }[];

  beforeAll(async () => {
    gw = await startGateway();
    doc = (await gw.call('GET', '/docs-json')).body;
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));
  });
  afterAll(async () => gw?.close());

  it('states the running version, the listening address and an opaque bearer token', () => {
    expect(doc.info.version).toBe(PACKAGE_VERSION);
    expect(doc.servers?.[0]?.url).toBe(gw.url);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.bearer.bearerFormat).not.toMatch(/jwt/i);
  });

  it('gives every operation a description', () => {
    expect(operations.filter(({ op }) => !op.description?.trim()).map(({ method, path }) => `${method} ${path}`)).toEqual([]);
  });

  it('gives every operation a typed 2xx schema', () => {
    const untyped = operations.filter(({ op }) => {
      const ok = Object.entries(op.responses).find(([status]) => status.startsWith('2'))?.[1];
      const schemas = Object.values(ok?.content ?? {}).map((c) => c.schema);
      return schemas.length === 0 || schemas.some((s) => !s || !(s.type || s.$ref || s.oneOf || s.allOf));
    });
    expect(untyped.map(({ method, path }) => `${method} ${path}`)).toEqual([]);
  });

  it('describes every parameter, and documents no header as required (no route requires one but Authorization)', () => {
    const problems: string[] = [];
    for (const { method, path, op } of operations) {
      const headers = new Set<string>();
      for (const p of op.parameters ?? []) {
        if (!p.description?.trim()) problems.push(`${method} ${path}: ${p.in} ${p.name} has no description`);
        if (p.in !== 'header') continue;
        if (p.required) problems.push(`${method} ${path}: header ${p.name} documented as required`);
        if (headers.has(p.name.toLowerCase())) problems.push(`${method} ${path}: header ${p.name} documented twice`);
        headers.add(p.name.toLowerCase());
      }
    }
    expect(problems).toEqual([]);
  });

  it('shows the error type in every native error example', () => {
    const empty: string[] = [];
    for (const { method, path, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const media of Object.values(response.content ?? {})) {
          const examples = [media.schema?.example, ...Object.values(media.examples ?? {}).map((e) => e.value)];
          for (const ex of examples as { error?: { type?: unknown } }[]) {
            if (ex?.error && 'type' in ex.error && !ex.error.type) empty.push(`${method} ${path} ${status}`);
          }
        }
      }
    }
    expect(empty).toEqual([]);
  });

  it('every request example is accepted by the sandbox-mode gateway', async () => {
    const tenant = await gw.newTenant({
      entitlements: { models: ['dreamina-seedance-2-0', 'dreamina-seedance-2-0-fast', 'dreamina-seedance-2-0-filter-off'] },
    });
    expect((await gw.admin('PUT', '/admin/model-mappings/dreamina-seedance-2-0-filter-off', { upstream_model: 'ep-20260611-filteroff' })).status).toBe(200);
    const action = async (name: string, body: unknown) => {
      const res = await gw.call('POST', `/volcark?Action=${name}&Version=2024-01-01`, { token: tenant.token, body });
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.Result;
    };
    const group = (await action('CreateAssetGroup', { model: 'dreamina-seedance-2-0-fast', Name: 'docs-examples', GroupType: 'AIGC' })).Id as string;
    const image = (
      await action('CreateAsset', { model: 'dreamina-seedance-2-0-fast', GroupId: group, URL: 'https://example.com/product.png', AssetType: 'Image' })
    ).Id as string;
    const video = (
      await action('CreateAsset', { model: 'dreamina-seedance-2-0-fast', GroupId: group, URL: 'https://example.com/clip.mp4', AssetType: 'Video' })
    ).Id as string;
    for (const id of [image, video]) {
      await eventually(
        () => action('GetAsset', { model: 'dreamina-seedance-2-0-fast', Id: id }),
        (a) => a.Status === 'Active',
      );
    }
    const own = (value: unknown): unknown => {
      let text = JSON.stringify(value).split(EXAMPLE_GROUP).join(group).split(EXAMPLE_VIDEO).join(video);
      for (const example of EXAMPLE_IMAGES) text = text.split(example).join(image);
      return JSON.parse(text);
    };

    const answers: string[] = [];
    let sent = 0;
    for (const { method, path, op } of operations) {
      const examples = op.requestBody?.content['application/json']?.examples ?? {};
      for (const [name, example] of Object.entries(examples)) {
        // The asset API names its action in the query; an example is named after its action.
        const url = path === '/volcark' ? `/volcark?Action=${name.replace(/SingleGroup$/, '')}&Version=2024-01-01` : path;
        const res = await gw.call(method.toUpperCase(), url, { token: tenant.token, body: own(example.value) });
        sent += 1;
        if (res.status < 200 || res.status > 299) answers.push(`${method} ${path} example ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(answers).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(17);
  });
});

describe('messages a new user meets', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => gw?.close());

  it('POST /admin/tenants {} says the name is required; a number says it must be a string; 201 characters says too long', async () => {
    const empty = await gw.admin('POST', '/admin/tenants', {});
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'invalid_request', param: 'name', type: 'BadRequest' });
    expect(empty.body.error.message).toMatch(/`name` specified in the request is not valid: is required\./);
    expect((await gw.admin('POST', '/admin/tenants', { name: 5 })).body.error.message).toMatch(/not valid: must be a string\./);
    expect((await gw.admin('POST', '/admin/tenants', { name: 'x'.repeat(201) })).body.error.message).toMatch(/at most 200 characters/);
  });
});
