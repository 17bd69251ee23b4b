import { createOutcomeOf } from './asset-outcome';
import { ArkOpenApiError, ArkUnavailableError } from '@arkgate/byteplus';
import { decide, requestKey, upstreamKey } from './asset-match';

const T = 1_800_000_000_000;
const TIMEOUT = 20_000;
const key = requestKey('group', { Name: 'refs', Description: 'd', GroupType: 'AIGC', ProjectName: 'default' });
const rec = (id: string, tenantId: string, createdAt = T) => ({ id, tenantId, createdAt, key });
const cand = (id: string, createdAtMs = T + 1000, k = key) => ({ id, createdAtMs, key: k });

describe('matching an asset-library create with an unknown outcome', () => {
  it('keys a sent request and a listed upstream object alike', () => {
    expect(upstreamKey('group', { Id: 'group-1', Name: 'refs', Description: 'd', GroupType: 'AIGC', CreateTime: 'x' })).toBe(key);
    expect(requestKey('asset', { GroupId: 'g', Name: 'n', AssetType: 'Image', URL: 'https://a' })).toBe(
      upstreamKey('asset', { Id: 'asset-1', GroupId: 'g', Name: 'n', AssetType: 'Image', URL: 'https://signed', Status: 'Active' }),
    );
  });

  it('attaches the one candidate of the window to the one record', () => {
    expect(decide(rec('r1', 'a'), [cand('group-1')], [rec('r1', 'a')], TIMEOUT)).toEqual({ kind: 'attach', upstreamId: 'group-1' });
  });

  it('ignores objects outside the window (before creation − 5 s, after + timeout + 60 s) or with other parameters', () => {
    const outside = [cand('early', T - 6000), cand('late', T + TIMEOUT + 61_000), cand('other', T + 10, requestKey('group', { Name: 'other' }))];
    expect(decide(rec('r1', 'a'), outside, [rec('r1', 'a')], TIMEOUT)).toEqual({ kind: 'none' });
  });

  it('never guesses between records of different tenants', () => {
    const decision = decide(rec('r1', 'a'), [cand('group-1')], [rec('r1', 'a'), rec('r2', 'b', T + 500)], TIMEOUT);
    expect(decision.kind).toBe('ambiguous');
  });

  it('pairs records of one tenant with identical parameters by creation order when the counts agree', () => {
    const open = [rec('r1', 'a', T), rec('r2', 'a', T + 200)];
    const candidates = [cand('group-2', T + 300), cand('group-1', T + 100)];
    expect(decide(open[0], candidates, open, TIMEOUT)).toEqual({ kind: 'attach', upstreamId: 'group-1' });
    expect(decide(open[1], candidates, open, TIMEOUT)).toEqual({ kind: 'attach', upstreamId: 'group-2' });
  });

  it('leaves more candidates than records unresolved', () => {
    expect(decide(rec('r1', 'a'), [cand('group-1'), cand('group-2')], [rec('r1', 'a')], TIMEOUT).kind).toBe('ambiguous');
  });
});

describe('the outcome of a failed asset-library create', () => {
  const network = (code: string) =>
    new ArkUnavailableError('network', 'failed', undefined, {
      cause: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) }),
    });

  it('is refused for an upstream 4xx and for a connection that was never made', () => {
    expect(createOutcomeOf(new ArkOpenApiError(400, { ResponseMetadata: { Error: { Code: 'InvalidParameter' } } }))).toBe('refused');
    expect(createOutcomeOf(network('ECONNREFUSED'))).toBe('refused');
    expect(createOutcomeOf(network('ENOTFOUND'))).toBe('refused');
  });

  it('is unknown for a 5xx, a reset, a timeout and a malformed answer', () => {
    expect(createOutcomeOf(new ArkUnavailableError('server_error', 'Upstream answered 500', 500))).toBe('unknown');
    expect(createOutcomeOf(network('ECONNRESET'))).toBe('unknown');
    expect(createOutcomeOf(new ArkUnavailableError('timeout', 'no answer'))).toBe('unknown');
    expect(createOutcomeOf(new ArkUnavailableError('bad_response', 'not JSON', 200))).toBe('unknown');
  });
});
