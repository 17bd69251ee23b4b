/**
 * docs/contract.md §10 "Hostile input", one describe per finding of the attack run it answers: each request here
 * once answered 500, stalled the gateway, or let a token or an unchecked field through.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { randomInt } from 'node:crypto';
import { RateLimitTally } from '../../src/audit/rate-limit-tally';
import { ADMIN_TOKEN, type CallResult, startGateway, TASKS, type TestGateway } from '../support/test-gateway';

const TEXT = { type: 'text', text: 'a paper boat on calm water' };
const CREATE = { model: 'dreamina-seedance-2-0-fast', content: [TEXT], duration: 4, resolution: '480p' };
const ASSETS = (action: string) => `/volcark/?Action=${action}&Version=2024-01-01`;

let gw: TestGateway;
let tenant: { id: string; token: string };

beforeAll(async () => {
  gw = await startGateway({ env: { ARKGATE_UNAUTH_RATE_PER_MINUTE: '5' } });
  tenant = await gw.newTenant({ media_policy: 'any' });
});
afterAll(async () => {
  await gw.close();
});

/** A client address of its own per test, so that the per-address counters start at zero (also in a shared Redis). */
const hex = () => randomInt(0x10000).toString(16);
const freshAddress = () => ({ 'x-forwarded-for': `2001:db8:${hex()}:${hex()}:${hex()}::${hex()}` });

const post = (path: string, rawBody: string, token: string | undefined = tenant.token, headers: Record<string, string> = {}) =>
  gw.call('POST', path, { token, rawBody, headers: { 'content-type': 'application/json', ...headers } });

function expectNative(res: CallResult, status: number, code: string, param?: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(res.body.error).toEqual({ code, message: expect.any(String), param: expect.any(String), type: expect.any(String) });
  if (param !== undefined) expect(res.body.error.param).toBe(param);
}

function expectAssetError(res: CallResult, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.ResponseMetadata?.Error?.Code }).toEqual({ status, code });
  expect(res.body.ResponseMetadata).toMatchObject({ RequestId: expect.any(String), Service: 'ark', Error: { Message: expect.any(String) } });
}

/** Runs `fn` and asserts the sandbox received no request meanwhile. */
async function nothingUpstream<T>(fn: () => Promise<T>): Promise<T> {
  gw.sandbox.control.clearRequests();
  const result = await fn();
  expect(gw.sandbox.control.requests().map((r) => `${r.method} ${r.op}`)).toEqual([]);
  return result;
}

describe('finding 1: prototype keys (constructor, __proto__, prototype) are refused with 400, never 500', () => {
  const keys = ['constructor', '__proto__', 'prototype'];

  it.each(keys)('task create with %s nested in an unknown field or in place of the model', async (key) => {
    await nothingUpstream(async () => {
      expectNative(await post(TASKS, JSON.stringify({ ...CREATE, x: { [key]: 1 } }).replace('"x":{', `"x":{"${key}":1,`)), 400, 'invalid_request', key);
      expectNative(await post(TASKS, `{"model":{"${key}":1},"content":[{"type":"text","text":"x"}]}`), 400, 'invalid_request', key);
    });
  });

  it.each(keys)('every asset action with %s in its Filter or body', async (key) => {
    await nothingUpstream(async () => {
      for (const action of ['ListAssets', 'ListAssetGroups', 'CreateAssetGroup', 'CreateAsset', 'GetAsset', 'GetAssetGroup']) {
        expectAssetError(await post(ASSETS(action), `{"Filter":{"x":{"${key}":1}},"Name":"g"}`), 400, 'invalid_request');
      }
    });
  });

  it.each(keys)('admin create-tenant and tenant PATCH with %s', async (key) => {
    expectNative(await post('/admin/tenants', `{"name":"t","${key}":{"x":1}}`, ADMIN_TOKEN), 400, 'invalid_request', key);
    expectNative(await post('/admin/tenants', `{"name":"t","entitlements":{"${key}":1}}`, ADMIN_TOKEN), 400, 'invalid_request', key);
    const patch = await gw.call('PATCH', `/admin/tenants/${tenant.id}`, {
      token: ADMIN_TOKEN,
      rawBody: `{"${key}":{"status":"suspended"}}`,
      headers: { 'content-type': 'application/json' },
    });
    expectNative(patch, 400, 'invalid_request', key);
    expect((await gw.admin('GET', `/admin/tenants/${tenant.id}`)).body.status).toBe('active');
  });
});

describe('finding 2: huge key counts are refused after at most 10,000 keys and items', () => {
  it.each([140_000, 50_000])('a body of %i unknown top-level keys → 400 without a task', async (n) => {
    const body = `{"model":"dreamina-seedance-2-0-fast","content":[{"type":"text","text":"x"}],${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    await nothingUpstream(async () => expectNative(await post(TASKS, body), 400, 'invalid_request'));
  });

  it('an array of 10,001 items is refused; 9,000 keys and items in all pass the limit', async () => {
    expectNative(await post(TASKS, JSON.stringify({ ...CREATE, extra: Array.from({ length: 10_001 }, () => 1) })), 400, 'invalid_request');
    const ok = await post(TASKS, JSON.stringify({ ...CREATE, extra: Array.from({ length: 9_000 }, () => 1) }));
    expect(ok.status).toBe(200);
  });
});

describe('finding 3: an unauthenticated body is answered 401 after at most 64 KB of it', () => {
  /** Bytes the server had read from the connection when it finished answering each request, by request id. */
  function readsAtAnswer(): { reads: Map<string, number>; stop: () => void } {
    const reads = new Map<string, number>();
    const server = gw.app.getHttpServer();
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      const id = req.headers['x-client-request-id'];
      res.once('finish', () => typeof id === 'string' && reads.set(id, req.socket.bytesRead));
    };
    server.on('request', listener);
    return { reads, stop: () => server.off('request', listener) };
  }

  const send = (path: string, body: Buffer, headers: Record<string, string>) =>
    new Promise<{ status?: number; text?: string; error?: string }>((resolve) => {
      const req = httpRequest(
        gw.url + path,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode, text }));
        },
      );
      req.on('error', (e) => resolve({ error: e.message }));
      req.end(body);
    });

  it.each([
    ['no token', {}],
    ['an unknown token', { authorization: 'Bearer oh-not-a-real-token-000000000000' }],
    ['a token of another scheme', { authorization: 'Basic b2g6eA==' }],
  ])('20 MB with %s → 401 in the native shape, 64 KB read at most, connection closed', async (_label, auth) => {
    const probe = readsAtAnswer();
    try {
      const id = `unauth-${randomInt(1e9)}`;
      const res = await send(TASKS, Buffer.alloc(20 * 1024 * 1024, 0x20), { ...auth, ...freshAddress(), 'x-client-request-id': id });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text ?? '')).toMatchObject({ error: { code: 'unauthorized' } });
      expect(probe.reads.get(id)).toBeLessThanOrEqual(64 * 1024);
    } finally {
      probe.stop();
    }
  });

  it('a fetch client sending 20 MB without a token reads the 401, not a reset', async () => {
    const res = await gw.call('POST', TASKS, { rawBody: ' '.repeat(20 * 1024 * 1024), headers: { 'content-type': 'application/json', ...freshAddress() } });
    expectNative(res, 401, 'unauthorized');
  });

  it('refusals one after another on one kept-alive connection leave no listener behind on it', async () => {
    const sockets: Socket[] = [];
    const server = gw.app.getHttpServer();
    const onConnection = (socket: Socket) => sockets.push(socket);
    server.on('connection', onConnection);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const exchange = (method: string, path: string, headers: Record<string, string>, body?: Buffer) =>
      new Promise<number | undefined>((resolve, reject) => {
        const req = httpRequest(gw.url + path, { method, agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        });
        req.on('error', reject);
        req.end(body);
      });
    // Refused after the token, before the body is read (unsupported encoding), 256 KB each: more than the server
    // reads ahead, so every refusal is answered while the client is still sending and the rest is discarded.
    const body = Buffer.alloc(256 * 1024, 0x20);
    const refused = () =>
      exchange(
        'POST',
        TASKS,
        { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.length) },
        body,
      );
    // Answered on the same connection only once the body before it has been read to its end.
    const healthz = () => exchange('GET', '/healthz', {});
    try {
      expect(await refused()).toBe(400);
      expect(await healthz()).toBe(200);
      const [socket] = sockets;
      const closeListeners = socket.listenerCount('close');
      for (let i = 0; i < 15; i++) expect(await refused()).toBe(400);
      expect(await healthz()).toBe(200);
      // The same open connection served all of them (else this would prove nothing), holding no more than after the first.
      expect({ connections: sockets.length, destroyed: socket.destroyed }).toEqual({ connections: 1, destroyed: false });
      expect(socket.listenerCount('close')).toBe(closeListeners);
    } finally {
      agent.destroy();
      server.off('connection', onConnection);
    }
  });

  it('on the asset route the 401 comes in the ResponseMetadata shape', async () => {
    const res = await send(ASSETS('ListAssets'), Buffer.alloc(2 * 1024 * 1024, 0x20), freshAddress());
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text ?? '').ResponseMetadata.Error.Code).toBe('unauthorized');
  });
});

describe('finding 4: tokens count only in the Authorization header', () => {
  it('?access_token= never authenticates, also with a valid header', async () => {
    expectNative(await gw.call('GET', `${TASKS}?access_token=${tenant.token}`, { headers: freshAddress() }), 401, 'unauthorized');
    expectNative(await gw.call('GET', `${TASKS}?access_token=${tenant.token}`, { token: tenant.token }), 401, 'unauthorized');
    await nothingUpstream(async () => {
      const res = await gw.call('POST', `${TASKS}?access_token=${tenant.token}`, { token: tenant.token, body: CREATE });
      expectNative(res, 401, 'unauthorized');
    });
  });

  it('a body access_token never authenticates', async () => {
    await nothingUpstream(async () => {
      const res = await gw.call('POST', TASKS, {
        rawBody: JSON.stringify({ ...CREATE, access_token: tenant.token }),
        headers: { 'content-type': 'application/json', ...freshAddress() },
      });
      expectNative(res, 401, 'unauthorized');
    });
  });

  it('a body access_token beside a valid header is refused with 400 naming it, never forwarded or stored', async () => {
    const before = (await gw.call('GET', TASKS, { token: tenant.token })).body.total;
    await nothingUpstream(async () => {
      expectNative(await post(TASKS, JSON.stringify({ ...CREATE, access_token: tenant.token })), 400, 'invalid_request', 'access_token');
      expectNative(await post(TASKS, JSON.stringify({ ...CREATE, Access_Token: 'oh-x' })), 400, 'invalid_request', 'Access_Token');
      expectAssetError(await post(ASSETS('CreateAssetGroup'), JSON.stringify({ Name: 'g', access_token: tenant.token })), 400, 'invalid_request');
      expectNative(await post('/admin/tenants', JSON.stringify({ name: 't', access_token: ADMIN_TOKEN }), ADMIN_TOKEN), 400, 'invalid_request', 'access_token');
    });
    expect((await gw.call('GET', TASKS, { token: tenant.token })).body.total).toBe(before);
    const events = await gw.admin('GET', `/audit/events?tenant_id=${tenant.id}&limit=500`);
    expect(JSON.stringify(events.body)).not.toContain(tenant.token);
  });
});

describe('finding 5: case variants of known keys are refused, naming the key', () => {
  it.each(['CALLBACK_URL', 'callback_URL', 'Callback_Url', 'Model', 'CONTENT'])('task create with %s', async (key) => {
    const body: Record<string, unknown> = {
      ...CREATE,
      [key]: key === 'CONTENT' ? [TEXT] : key === 'Model' ? 'dreamina-seedance-2-0' : 'https://169.254.169.254/',
    };
    await nothingUpstream(async () => expectNative(await post(TASKS, JSON.stringify(body)), 400, 'invalid_request', key));
  });

  it('in content items and their media objects', async () => {
    await nothingUpstream(async () => {
      const item = { type: 'image_url', role: 'first_frame', image_url: { url: 'asset://x' } };
      expectNative(
        await post(TASKS, JSON.stringify({ ...CREATE, content: [TEXT, { ...item, Image_Url: { url: 'https://169.254.169.254/x.png' } }] })),
        400,
        'invalid_request',
        'content[1].Image_Url',
      );
      expectNative(
        await post(TASKS, JSON.stringify({ ...CREATE, content: [TEXT, { type: 'image_url', image_url: { url: 'asset://x', URL: 'https://10.0.0.1/' } }] })),
        400,
        'invalid_request',
        'content[1].image_url.URL',
      );
      expectNative(
        await post(TASKS, JSON.stringify({ ...CREATE, content: [{ Type: 'text', type: 'text', text: 'x' }] })),
        400,
        'invalid_request',
        'content[0].Type',
      );
    });
  });

  it('in asset bodies, their Moderation and Filter; URL, Url and url stay accepted', async () => {
    await nothingUpstream(async () => {
      expectAssetError(
        await post(ASSETS('CreateAsset'), JSON.stringify({ GroupId: 'g', uRL: 'https://example.com/a.png', AssetType: 'Image' })),
        400,
        'invalid_request',
      );
      expectAssetError(
        await post(
          ASSETS('CreateAsset'),
          JSON.stringify({ GroupId: 'g', URL: 'https://example.com/a.png', AssetType: 'Image', Moderation: { strategy: 'Skip' } }),
        ),
        400,
        'moderation_skip_not_allowed',
      );
      // A case variant inside Moderation that does not ask to skip is refused as a case variant.
      expectAssetError(
        await post(
          ASSETS('CreateAsset'),
          JSON.stringify({ GroupId: 'g', URL: 'https://example.com/a.png', AssetType: 'Image', Moderation: { strategy: 'Default' } }),
        ),
        400,
        'invalid_request',
      );
      expectAssetError(await post(ASSETS('ListAssets'), JSON.stringify({ Filter: { name: 'x' } })), 400, 'invalid_request');
      expectAssetError(await post(ASSETS('CreateAssetGroup'), JSON.stringify({ Name: 'g', name: 'h' })), 400, 'invalid_request');
    });
    const group = await post(ASSETS('CreateAssetGroup'), JSON.stringify({ Name: 'case-ok' }));
    expect(group.status).toBe(200);
    for (const key of ['URL', 'Url', 'url']) {
      const res = await post(ASSETS('CreateAsset'), JSON.stringify({ GroupId: group.body.Result.Id, [key]: 'https://example.com/a.png', AssetType: 'Image' }));
      expect(res.status).toBe(200);
    }
  });

  it('CallbackURL stays the accepted alias', async () => {
    const res = await post(TASKS, JSON.stringify({ ...CREATE, CallbackURL: 'https://cb.example.org/hook' }));
    expect(res.status).toBe(200);
  });
});

describe('finding 6: NUL, deep nesting and out-of-range numbers → 400 on every engine', () => {
  it('\\u0000 in a task prompt, an asset group name and a tenant name', async () => {
    await nothingUpstream(async () => {
      expectNative(await post(TASKS, JSON.stringify({ ...CREATE, content: [{ type: 'text', text: 'a\u0000b' }] })), 400, 'invalid_request');
      expectAssetError(await post(ASSETS('CreateAssetGroup'), JSON.stringify({ Name: 'g\u0000' })), 400, 'invalid_request');
      expectAssetError(await post(ASSETS('ListAssetGroups'), JSON.stringify({ Filter: { Name: '\u0000' } })), 400, 'invalid_request');
    });
    expectNative(await post('/admin/tenants', JSON.stringify({ name: 'n\u0000' }), ADMIN_TOKEN), 400, 'invalid_request');
  });

  it('NUL in a query string or a path parameter', async () => {
    expectNative(await gw.call('GET', `${TASKS}?filter.task_ids=a%00b`, { token: tenant.token }), 400, 'invalid_request');
    expectNative(await gw.call('GET', `${TASKS}/cgt-1%00`, { token: tenant.token }), 400, 'invalid_request');
    expectNative(await gw.call('DELETE', `${TASKS}/cgt-1%00`, { token: tenant.token }), 400, 'invalid_request');
    expectNative(await gw.call('GET', `/admin/tenants/x%00`, { token: ADMIN_TOKEN }), 400, 'invalid_request');
  });

  it.each([33, 5_000, 100_000])('nesting %i levels deep', async (depth) => {
    await nothingUpstream(async () => {
      expectNative(
        await post(
          TASKS,
          `{"model":"dreamina-seedance-2-0-fast","content":[${TEXT ? JSON.stringify(TEXT) : ''}],"x":${'['.repeat(depth)}${']'.repeat(depth)}}`,
        ),
        400,
        'invalid_request',
      );
      expectAssetError(await post(ASSETS('ListAssets'), `{"Filter":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`), 400, 'invalid_request');
    });
  });

  it('null for a tenant field that has no "none" value → 400, not 500', async () => {
    for (const field of ['name', 'status', 'rate_limit_per_minute']) {
      const res = await gw.call('PATCH', `/admin/tenants/${tenant.id}`, { token: ADMIN_TOKEN, body: { [field]: null } });
      expectNative(res, 400, 'invalid_request', field);
    }
  });

  it('PageNumber 2^62, page_num 2^62, PageSize 0 and an audit cursor past the column range', async () => {
    expectAssetError(await post(ASSETS('ListAssets'), JSON.stringify({ PageNumber: 2 ** 62 })), 400, 'invalid_request');
    expectAssetError(await post(ASSETS('ListAssetGroups'), '{"PageNumber":4611686018427387904}'), 400, 'invalid_request');
    expectAssetError(await post(ASSETS('ListAssets'), JSON.stringify({ PageSize: 0 })), 400, 'invalid_request');
    expectNative(await gw.call('GET', `${TASKS}?page_num=${2 ** 62}`, { token: tenant.token }), 400, 'invalid_request', 'page_num');
    expectNative(await gw.call('GET', '/audit/events?cursor=4611686018427387904', { token: ADMIN_TOKEN }), 400, 'invalid_request');
    expectNative(await post(TASKS, JSON.stringify({ ...CREATE, frames: 2 ** 62 })), 400, 'invalid_request', 'frames');
    expectNative(await post(TASKS, JSON.stringify({ ...CREATE, seed: 1e300 })), 400, 'invalid_request', 'seed');
  });

  it('a Filter.Name of 100,000 % → 400; % and _ in a short name match themselves', async () => {
    expectAssetError(await post(ASSETS('ListAssetGroups'), JSON.stringify({ Filter: { Name: '%'.repeat(100_000) } })), 400, 'invalid_request');
    expectAssetError(await post(ASSETS('ListAssets'), JSON.stringify({ Filter: { Name: '%'.repeat(100_000) } })), 400, 'invalid_request');
    const other = await gw.newTenant();
    for (const Name of ['50%_off', '50xyoff']) expect((await post(ASSETS('CreateAssetGroup'), JSON.stringify({ Name }), other.token)).status).toBe(200);
    const found = await post(ASSETS('ListAssetGroups'), JSON.stringify({ Filter: { Name: '%_' } }), other.token);
    expect(found.body.Result.Items.map((g: { Name: string }) => g.Name)).toEqual(['50%_off']);
  });
});

describe('finding 11: unauthenticated floods are rate-limited; 429s are tallied, not audited one by one', () => {
  it('past ARKGATE_UNAUTH_RATE_PER_MINUTE bad-token requests from one address → 429 with Retry-After; other addresses and valid tokens unaffected', async () => {
    const address = freshAddress();
    const bad = { authorization: 'Bearer oh-bad-token-000000000000', ...address };
    for (let i = 0; i < 5; i++) expectNative(await gw.call('GET', TASKS, { headers: bad }), 401, 'unauthorized');
    const limited = await gw.call('GET', TASKS, { headers: bad });
    expectNative(limited, 429, 'rate_limit_exceeded');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await gw.call('POST', TASKS, { rawBody: JSON.stringify(CREATE), headers: { ...bad, 'content-type': 'application/json' } });
    expectNative(body, 429, 'rate_limit_exceeded');
    expectNative(await gw.call('GET', TASKS, { headers: { ...bad, ...freshAddress() } }), 401, 'unauthorized');
    expect((await gw.call('GET', TASKS, { token: tenant.token, headers: address })).status).toBe(200);
  });

  it('a tenant flooding past its rate leaves one audit event with the count, and none per refused call', async () => {
    const limited = await gw.newTenant({ rate_limit_per_minute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await gw.call('GET', TASKS, { token: limited.token })).status);
    for (let i = 0; i < 6; i++) statuses.push((await post(TASKS, JSON.stringify(CREATE), limited.token)).status);
    const refused = statuses.filter((s) => s === 429).length;
    expect(refused).toBe(9);
    const events = async () => (await gw.admin('GET', `/audit/events?tenant_id=${limited.id}&limit=500`)).body.items as Array<Record<string, any>>;
    expect((await events()).filter((e) => e.outcome.status === 429)).toEqual([]);
    await gw.app.get(RateLimitTally).flush(true);
    const tallied = (await events()).filter((e) => e.outcome.status === 429);
    expect(tallied).toHaveLength(1);
    expect(tallied[0]).toMatchObject({ action: 'rate_limited', tenant_id: limited.id, properties: { count: 9, summary: 'rate limited 9 times' } });
  });
});
