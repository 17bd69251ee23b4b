/**
 * docs/contract.md §10, property-based: thousands of generated hostile bodies per run against task create, every
 * asset action and admin create-tenant / PATCH. Whatever the body, nothing answers 5xx and every answer
 * is in the route's native shape; a body carrying a hostile feature (prototype key, deep nesting, too many
 * keys or items, NUL, a case variant of a known field, a body access_token) is refused with 400 and
 * nothing reaches the sandbox. Fixed seed (FUZZ_SEED overrides it); fast-check prints the seed and the
 * shrunk counterexample of a failure, so it can be replayed.
 */
import fc from 'fast-check';
import { ADMIN_TOKEN, type CallResult, startGateway, TASKS, type TestGateway } from '../support/test-gateway';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

jest.setTimeout(120_000);

let gw: TestGateway;
let tenant: { id: string; token: string };
let patchTarget: string;

beforeAll(async () => {
  gw = await startGateway({ env: { ARKGATE_DEFAULT_RATE_LIMIT: '1000000' } });
  tenant = await gw.newTenant({ rate_limit_per_minute: 1000000 });
  patchTarget = (await gw.newTenant()).id;
});
afterAll(async () => {
  await gw?.close();
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Route {
  name: string;
  method: 'POST' | 'PATCH';
  path: () => string;
  token: () => string;
  asset: boolean;
  /** A valid body to mutate. */
  base: fc.Arbitrary<Record<string, Json>>;
  /** Known top-level field names: their case variants are hostile on the BytePlus-native routes. */
  known: string[];
}

const text = fc.string({ maxLength: 40 });
const ASSET_ACTIONS = ['CreateAssetGroup', 'CreateAsset', 'ListAssetGroups', 'ListAssets', 'GetAssetGroup', 'GetAsset'];

const ROUTES: Route[] = [
  {
    name: 'task create',
    method: 'POST',
    path: () => TASKS,
    token: () => tenant.token,
    asset: false,
    base: fc.record({
      model: fc.constantFrom('dreamina-seedance-2-0-fast', 'dreamina-seedance-2-0', 'dreamina-seedance-2-0-mini'),
      content: fc.array(
        fc.oneof(
          fc.record({ type: fc.constant('text'), text }),
          fc.record({ type: fc.constant('image_url'), image_url: fc.record({ url: fc.constant('asset://a-1') }) }),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      duration: fc.constantFrom(4, 5, -1),
      resolution: fc.constantFrom('480p', '720p'),
    }),
    known: ['model', 'content', 'duration', 'resolution', 'ratio', 'callback_url', 'seed', 'generate_audio', 'references', 'frames'],
  },
  ...ASSET_ACTIONS.map<Route>((action) => ({
    name: `asset ${action}`,
    method: 'POST',
    path: () => `/volcark/?Action=${action}&Version=2024-01-01`,
    token: () => tenant.token,
    asset: true,
    base: fc.record({
      Name: text,
      GroupId: fc.constant('group-x'),
      Id: fc.constant('asset-x'),
      URL: fc.constant('https://example.com/a.png'),
      AssetType: fc.constantFrom('Image', 'Video'),
      PageNumber: fc.integer({ min: 1, max: 3 }),
      Filter: fc.record({ Name: text, GroupIds: fc.array(fc.constant('group-x'), { maxLength: 2 }) }),
    }),
    known: ['Name', 'GroupId', 'Id', 'URL', 'AssetType', 'PageNumber', 'PageSize', 'Filter', 'Moderation', 'model', 'Description', 'SortBy'],
  })),
  {
    name: 'admin create-tenant',
    method: 'POST',
    path: () => '/admin/tenants',
    token: () => ADMIN_TOKEN,
    asset: false,
    base: fc.record({
      name: text.map((s) => `fuzz-${s}`),
      entitlements: fc.record({ video_generation: fc.boolean() }),
      rate_limit_per_minute: fc.integer({ min: 1, max: 1000 }),
    }),
    known: [],
  },
  {
    name: 'admin PATCH tenant',
    method: 'PATCH',
    path: () => `/admin/tenants/${patchTarget}`,
    token: () => ADMIN_TOKEN,
    asset: false,
    base: fc.record({ name: text.map((s) => `fuzz-${s}`), rate_limit_per_minute: fc.integer({ min: 1, max: 1000 }) }),
    known: [],
  },
];

/** Values of every kind, extreme numbers and odd strings included. */
const wild: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -0,
    -1,
    2 ** 31,
    2 ** 53,
    2 ** 62,
    -(2 ** 63),
    1e308,
    -1e308,
    5e-324,
    1.5,
    '',
    ' ',
    '%',
    '%'.repeat(300),
    '\\',
    'ü🙂',
    [],
    {},
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** Every plain object in a body, the body first. */
function objectsIn(value: Json, out: Array<Record<string, Json>> = []): Array<Record<string, Json>> {
  if (Array.isArray(value)) value.forEach((v) => objectsIn(v, out));
  else if (value !== null && typeof value === 'object') {
    out.push(value);
    Object.values(value).forEach((v) => objectsIn(v, out));
  }
  return out;
}

/** Sets an own, enumerable property, even `__proto__`. */
function put(obj: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
}

type Mutation = { kind: string; hostile: boolean; apply: (body: Record<string, Json>, route: Route) => string };

const at = fc.nat();
const MUTATIONS: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), at, wild).map(([key, i, value]): Mutation => ({
    kind: 'prototype key',
    hostile: true,
    apply: (body) => {
      const objects = objectsIn(body);
      put(objects[i % objects.length], key, value);
      return JSON.stringify(body);
    },
  })),
  fc.tuple(fc.integer({ min: 33, max: 3000 }), fc.constantFrom('[', '{"a":'), at).map(([depth, open, i]): Mutation => ({
    kind: 'deep nesting',
    hostile: true,
    apply: (body) => {
      const close = open === '[' ? ']' : '}';
      const objects = objectsIn(body);
      put(objects[i % objects.length], 'nest', '__NEST__');
      return JSON.stringify(body).replace('"__NEST__"', `${open.repeat(depth)}${open === '[' ? '' : '1'}${close.repeat(depth)}`);
    },
  })),
  fc.tuple(fc.integer({ min: 10_001, max: 12_000 }), fc.boolean(), at).map(([n, asKeys, i]): Mutation => ({
    kind: 'too many keys or items',
    hostile: true,
    apply: (body) => {
      const objects = objectsIn(body);
      put(objects[i % objects.length], 'bulk', '__BULK__');
      const bulk = asKeys ? `{${Array.from({ length: n }, (_, k) => `"k${k}":${k}`).join(',')}}` : `[${Array.from({ length: n }, (_, k) => k).join(',')}]`;
      return JSON.stringify(body).replace('"__BULK__"', bulk);
    },
  })),
  fc.tuple(at, fc.boolean(), fc.string({ maxLength: 5 })).map(([i, inKey, s]): Mutation => ({
    kind: 'NUL',
    hostile: true,
    apply: (body) => {
      const objects = objectsIn(body);
      if (inKey) put(objects[i % objects.length], `${s}\u0000`, 1);
      else put(objects[i % objects.length], 'note', `${s}\u0000${s}`);
      return JSON.stringify(body);
    },
  })),
  fc.tuple(at, fc.nat(), wild).map(([i, k, value]): Mutation => ({
    kind: 'case variant',
    hostile: true,
    apply: (body, route) => {
      if (route.known.length === 0) {
        put(body, 'access_token', 'oh-x');
        return JSON.stringify(body);
      }
      const key = route.known[k % route.known.length];
      const variant = key === key.toUpperCase() ? key.toLowerCase() : key.toUpperCase();
      // On the top level, where every known name is known.
      put(body, variant === 'URL' || variant === 'url' ? 'uRl' : variant, value);
      void i;
      return JSON.stringify(body);
    },
  })),
  fc.constant<Mutation>({ kind: 'access_token', hostile: true, apply: (body) => (put(body, 'access_token', 'oh-x'), JSON.stringify(body)) }),
  // Not hostile by construction: wrong types and extreme numbers in place of fields.
  fc.tuple(at, fc.nat(), wild).map(([i, k, value]): Mutation => ({
    kind: 'wrong type',
    hostile: false,
    apply: (body) => {
      const objects = objectsIn(body);
      const obj = objects[i % objects.length];
      const keys = Object.keys(obj);
      if (keys.length > 0) obj[keys[k % keys.length]] = value;
      return JSON.stringify(body);
    },
  })),
);

function checkShape(route: Route, res: CallResult): void {
  if (res.status >= 500) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  if (res.status < 400) return;
  if (route.asset) {
    const err = res.body?.ResponseMetadata?.Error;
    if (typeof err?.Code !== 'string' || typeof err?.Message !== 'string') throw new Error(`not the OpenAPI error shape: ${JSON.stringify(res.body)}`);
  } else {
    const err = res.body?.error;
    const keys = err && typeof err === 'object' ? Object.keys(err).sort().join(',') : '';
    if (keys !== 'code,message,param,type') throw new Error(`not the native error shape: ${JSON.stringify(res.body)}`);
  }
}

it(`${RUNS} generated hostile bodies: no 5xx, native error shapes, hostile ones refused with 400 before the sandbox (seed ${SEED})`, async () => {
  let hostileSeen = 0;
  await fc.assert(
    fc.asyncProperty(fc.nat(ROUTES.length - 1), fc.nat(), MUTATIONS, async (routeIndex, baseSeed, mutation) => {
      const route = ROUTES[routeIndex];
      const [body] = fc.sample(route.base, { seed: baseSeed, numRuns: 1 });
      const raw = mutation.apply(body, route);
      gw.sandbox.control.clearRequests();
      const res = await gw.call(route.method, route.path(), { token: route.token(), rawBody: raw, headers: { 'content-type': 'application/json' } });
      const where = `${route.name} ${mutation.kind} body ${raw.length > 300 ? `${raw.slice(0, 300)}… (${raw.length} chars)` : raw}`;
      try {
        checkShape(route, res);
      } catch (err) {
        throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
      }
      if (mutation.hostile) {
        hostileSeen += 1;
        if (res.status !== 400) throw new Error(`${where}: answered ${res.status}: ${JSON.stringify(res.body)}`);
        const upstream = gw.sandbox.control.requests();
        if (upstream.length > 0) throw new Error(`${where}: reached the sandbox: ${upstream.map((r) => r.op).join(', ')}`);
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  expect(hostileSeen).toBeGreaterThan(RUNS / 2);
});
