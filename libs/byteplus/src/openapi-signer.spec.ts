import { createHmac } from 'node:crypto';
import {
  canonicalHeaderValue,
  canonicalQuery,
  canonicalRequest,
  credentialScope,
  formatXDate,
  parseAuthorization,
  parseXDate,
  sha256Hex,
  signingKey,
  signRequest,
  stringToSign,
  verifySignature,
  type SignRequestInput,
} from './openapi-signer';

// The reference signer of @volcengine/openapi, used here only to compute independent expectations.
import VolcSigner from '@volcengine/openapi/lib/base/sign';

const AK = 'AKLTEXAMPLE0123456789';
const SK = 'c2VjcmV0LWV4YW1wbGUta2V5LTAxMjM0NTY3ODk=';
const NOW = Date.UTC(2026, 2, 28, 9, 15, 30);
const REGION = 'ap-southeast-1';
const SERVICE = 'ark';
const common = { accessKeyId: AK, secretAccessKey: SK, region: REGION, service: SERVICE, now: NOW };

const CREATE_BODY = '{"GroupId":"group-20260328091500-abcde","URL":"https://example.com/product.png","AssetType":"Image","Name":"product-front.png"}';

/*
 * Frozen vectors. Each was worked through the steps of docs/contract.md §8 separately from this code and must not
 * change: a difference means the signer no longer produces what the upstream verifies.
 */
const POST_VECTOR = {
  bodySha256: 'a9d10200efb2f4e83eb7783b5f83c756fac3ef43f2c7a667a855e697bdf18540',
  canonicalRequest: [
    'POST',
    '/',
    'Action=CreateAsset&Version=2024-01-01',
    'content-type:application/json',
    'host:open.byteplusapi.com',
    'x-content-sha256:a9d10200efb2f4e83eb7783b5f83c756fac3ef43f2c7a667a855e697bdf18540',
    'x-date:20260328T091530Z',
    '',
    'content-type;host;x-content-sha256;x-date',
    'a9d10200efb2f4e83eb7783b5f83c756fac3ef43f2c7a667a855e697bdf18540',
  ].join('\n'),
  stringToSign: [
    'HMAC-SHA256',
    '20260328T091530Z',
    '20260328/ap-southeast-1/ark/request',
    '96cfabd752509a987eec8fac606bbc55d0fda8de730623546c1f42391db67bd5',
  ].join('\n'),
  signature: 'e5e4b62b54ae41eb9f826463fde51361d29af0482025959c936c068db0ef2cfc',
};

const GET_VECTOR = {
  url: 'https://open.byteplusapi.com/?Version=2024-01-01&Name=spring%20sale&Action=ListAssets&Path=a%2Fb*c&Label=%E7%B4%A0%E6%9D%90',
  canonicalRequest: [
    'GET',
    '/',
    'Action=ListAssets&Label=%E7%B4%A0%E6%9D%90&Name=spring%20sale&Path=a%2Fb%2Ac&Version=2024-01-01',
    'host:open.byteplusapi.com',
    'x-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'x-date:20260328T091530Z',
    '',
    'host;x-content-sha256;x-date',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ].join('\n'),
  stringToSign: [
    'HMAC-SHA256',
    '20260328T091530Z',
    '20260328/ap-southeast-1/ark/request',
    'e93b8892660cc9e62a3e28fb02fd5215dc17ff3caf49ee39ad29179bd5513bc0',
  ].join('\n'),
  signature: '83824fd139f89d9bef511992055236e697093c8bff12be579472f8b8fde81c6d',
};

const SIGNING_KEY_HEX = '98467d54b42de6a59788673958897105bea79961bebc79e72f407f3ad8a00393';

describe('V4 signing steps', () => {
  it('formats X-Date as YYYYMMDDTHHMMSSZ in UTC', () => {
    expect(formatXDate(NOW)).toBe('20260328T091530Z');
    expect(formatXDate(new Date('2026-12-31T23:59:59.999Z'))).toBe('20261231T235959Z');
  });

  it('hashes the empty body to the SHA-256 of nothing', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(Buffer.from(CREATE_BODY))).toBe(POST_VECTOR.bodySha256);
  });

  it('percent-encodes and sorts the query: unreserved kept, space %20, / %2F, * %2A, unicode as UTF-8', () => {
    expect(canonicalQuery({ Version: '2024-01-01', Action: 'CreateAsset' })).toBe('Action=CreateAsset&Version=2024-01-01');
    expect(canonicalQuery({ b: 'x y', a: 'A-Z_a.z~0', 'k/*': "it's (1)!" })).toBe('a=A-Z_a.z~0&b=x%20y&k%2F%2A=it%27s%20%281%29%21');
    expect(canonicalQuery({ name: '素材' })).toBe('name=%E7%B4%A0%E6%9D%90');
    expect(canonicalQuery({})).toBe('');
  });

  it('sorts by key, then the values of a repeated key', () => {
    expect(canonicalQuery({ z: '1', id: ['b', 'a c', 'a'] })).toBe('id=a&id=a%20c&id=b&z=1');
    expect(canonicalQuery(new URLSearchParams('z=1&id=b&id=a'))).toBe('id=a&id=b&z=1');
  });

  it('drops :80 and :443 from host and collapses whitespace in values', () => {
    expect(canonicalHeaderValue('host', 'open.byteplusapi.com:443')).toBe('open.byteplusapi.com');
    expect(canonicalHeaderValue('host', 'sandbox:80')).toBe('sandbox');
    expect(canonicalHeaderValue('host', '127.0.0.1:3900')).toBe('127.0.0.1:3900');
    expect(canonicalHeaderValue('content-type', '  application/json;   charset=utf-8 ')).toBe('application/json; charset=utf-8');
  });

  it('builds the canonical request of the POST vector', () => {
    expect(
      canonicalRequest({
        method: 'post',
        path: '/',
        query: { Version: '2024-01-01', Action: 'CreateAsset' },
        headers: { 'X-Date': '20260328T091530Z', Host: 'open.byteplusapi.com', 'Content-Type': 'application/json', 'X-Content-Sha256': POST_VECTOR.bodySha256 },
        signedHeaders: ['X-Date', 'host', 'x-content-sha256', 'content-type'],
        bodySha256: POST_VECTOR.bodySha256,
      }),
    ).toBe(POST_VECTOR.canonicalRequest);
  });

  it('refuses to sign a header the request does not have', () => {
    expect(() =>
      canonicalRequest({ method: 'GET', path: '/', query: {}, headers: { host: 'h' }, signedHeaders: ['host', 'x-date'], bodySha256: sha256Hex('') }),
    ).toThrow(/x-date/);
  });

  it('builds the string to sign from X-Date, the scope and the canonical request hash', () => {
    expect(credentialScope('20260328', REGION, SERVICE)).toBe('20260328/ap-southeast-1/ark/request');
    expect(stringToSign('20260328T091530Z', '20260328/ap-southeast-1/ark/request', sha256Hex(POST_VECTOR.canonicalRequest))).toBe(POST_VECTOR.stringToSign);
  });

  it('derives the signing key from the raw secret, without a prefix', () => {
    const key = signingKey(SK, '20260328', REGION, SERVICE);
    expect(key.toString('hex')).toBe(SIGNING_KEY_HEX);
    expect(signingKey(`AWS4${SK}`, '20260328', REGION, SERVICE).toString('hex')).not.toBe(SIGNING_KEY_HEX);
    expect(createHmac('sha256', key).update(POST_VECTOR.stringToSign).digest('hex')).toBe(POST_VECTOR.signature);
  });
});

describe('signRequest', () => {
  it('signs the CreateAsset POST vector', () => {
    const signed = signRequest({
      ...common,
      method: 'POST',
      url: 'https://open.byteplusapi.com/?Action=CreateAsset&Version=2024-01-01',
      headers: { 'Content-Type': 'application/json' },
      body: CREATE_BODY,
    });

    expect(signed.canonicalRequest).toBe(POST_VECTOR.canonicalRequest);
    expect(signed.stringToSign).toBe(POST_VECTOR.stringToSign);
    expect(signed.signature).toBe(POST_VECTOR.signature);
    expect(signed.authorization).toBe(
      `HMAC-SHA256 Credential=${AK}/20260328/ap-southeast-1/ark/request, SignedHeaders=content-type;host;x-content-sha256;x-date, Signature=${POST_VECTOR.signature}`,
    );
    expect(signed.headers).toEqual({
      'Content-Type': 'application/json',
      'X-Date': '20260328T091530Z',
      'X-Content-Sha256': POST_VECTOR.bodySha256,
      Authorization: signed.authorization,
    });
  });

  it('signs the GET vector with unsorted query parameters that need encoding', () => {
    const signed = signRequest({ ...common, method: 'GET', url: GET_VECTOR.url });
    expect(signed.canonicalRequest).toBe(GET_VECTOR.canonicalRequest);
    expect(signed.stringToSign).toBe(GET_VECTOR.stringToSign);
    expect(signed.signature).toBe(GET_VECTOR.signature);
    expect(signed.authorization).toContain('SignedHeaders=host;x-content-sha256;x-date,');
  });

  it('signs the same with a Host header carrying a default port, or an http URL on :443', () => {
    const withHeader = signRequest({ ...common, method: 'GET', url: GET_VECTOR.url, headers: { Host: 'open.byteplusapi.com:443' } });
    const onPort = signRequest({ ...common, method: 'GET', url: GET_VECTOR.url.replace('https://open.byteplusapi.com', 'http://open.byteplusapi.com:443') });
    expect(withHeader.signature).toBe(GET_VECTOR.signature);
    expect(onPort.signature).toBe(GET_VECTOR.signature);
  });

  it('keeps a non-default port in host', () => {
    const signed = signRequest({ ...common, method: 'GET', url: 'http://127.0.0.1:3900/?Action=ListAssets&Version=2024-01-01' });
    expect(signed.canonicalRequest).toContain('\nhost:127.0.0.1:3900\n');
  });

  it('signs a session token as X-Security-Token', () => {
    const signed = signRequest({
      ...common,
      method: 'POST',
      url: 'https://open.byteplusapi.com/?Action=GetAsset&Version=2024-01-01',
      body: '{}',
      sessionToken: 'tok',
    });
    expect(signed.headers['X-Security-Token']).toBe('tok');
    expect(signed.authorization).toContain('SignedHeaders=host;x-content-sha256;x-date;x-security-token,');
  });

  it('replaces stale signing headers instead of keeping both', () => {
    const signed = signRequest({
      ...common,
      method: 'POST',
      url: 'https://open.byteplusapi.com/?Action=GetAsset&Version=2024-01-01',
      headers: { 'x-date': '20000101T000000Z', authorization: 'old', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(Object.keys(signed.headers).sort()).toEqual(['Authorization', 'Content-Type', 'X-Content-Sha256', 'X-Date']);
  });
});

describe('signRequest against the @volcengine/openapi reference signer', () => {
  // That signer never signs content-type (its unsignableHeaders) and signs every other header it is given,
  // X-Content-Sha256 only when there is a body. Our signer is asked for the same set.
  function reference(method: string, params: Record<string, string | string[]>, body: string | undefined, date: Date, sk = SK): string {
    const request = {
      method,
      region: REGION,
      pathname: '/',
      params,
      headers: { Host: 'open.byteplusapi.com', 'Content-Type': 'application/json' } as Record<string, string>,
      ...(body !== undefined ? { body } : {}),
    };
    new VolcSigner(request, SERVICE).addAuthorization({ accessKeyId: AK, secretKey: sk }, date);
    return request.headers.Authorization;
  }

  function ours(method: string, query: string, body: string | undefined, date: Date, sk = SK): string {
    const input: SignRequestInput = {
      ...common,
      secretAccessKey: sk,
      now: date,
      method,
      url: `https://open.byteplusapi.com/${query}`,
      headers: { 'Content-Type': 'application/json' },
      body,
      signedHeaders: body ? ['host', 'x-content-sha256', 'x-date'] : ['host', 'x-date'],
    };
    return signRequest(input).authorization;
  }

  it.each([
    ['POST CreateAsset with a JSON body', 'POST', { Action: 'CreateAsset', Version: '2024-01-01' }, '?Action=CreateAsset&Version=2024-01-01', CREATE_BODY],
    ['POST with the query unsorted', 'POST', { Version: '2024-01-01', Action: 'ListAssets' }, '?Version=2024-01-01&Action=ListAssets', '{"PageSize":20}'],
    [
      'POST with a unicode body',
      'POST',
      { Action: 'CreateAssetGroup', Version: '2024-01-01' },
      '?Action=CreateAssetGroup&Version=2024-01-01',
      '{"Name":"素材组 一"}',
    ],
    [
      'GET with values needing encoding',
      'GET',
      { Version: '2024-01-01', Name: 'spring sale', Action: 'ListAssets', Path: 'a/b*c', Label: '素材' },
      '?Version=2024-01-01&Name=spring%20sale&Action=ListAssets&Path=a%2Fb*c&Label=%E7%B4%A0%E6%9D%90',
      undefined,
    ],
    ['GET with a repeated key', 'GET', { Action: 'ListAssets', Id: ['b', 'a'] }, '?Id=b&Action=ListAssets&Id=a', undefined],
    ['POST with an empty body', 'POST', { Action: 'ListAssetGroups', Version: '2024-01-01' }, '?Action=ListAssetGroups&Version=2024-01-01', undefined],
  ])('gives the same Authorization: %s', (_name, method, params, query, body) => {
    for (const date of [new Date(NOW), new Date('2025-01-01T00:00:00Z'), new Date('2026-11-30T23:59:59Z')]) {
      expect(ours(method, query, body, date)).toBe(reference(method, params, body, date));
    }
  });

  it('differs when the secret differs (the comparison can fail)', () => {
    const date = new Date(NOW);
    const query = '?Action=CreateAsset&Version=2024-01-01';
    expect(ours('POST', query, CREATE_BODY, date, 'another')).not.toBe(reference('POST', { Action: 'CreateAsset', Version: '2024-01-01' }, CREATE_BODY, date));
  });
});

describe('verifySignature', () => {
  const URL_ = 'http://127.0.0.1:3900/?Action=GetAsset&Version=2024-01-01';
  const BODY = '{"Id":"asset-20260328091500-abcde"}';
  const lookupSecret = (ak: string) => (ak === AK ? SK : undefined);

  function signedRequest(overrides: Partial<SignRequestInput> = {}) {
    const signed = signRequest({ ...common, method: 'POST', url: URL_, headers: { 'Content-Type': 'application/json' }, body: BODY, ...overrides });
    const url = new URL(typeof overrides.url === 'string' ? overrides.url : URL_);
    const headers: Record<string, string> = { host: url.host };
    for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
    return { method: 'POST', path: url.pathname, query: url.searchParams, headers, rawBody: Buffer.from(BODY) };
  }

  const check = (request: ReturnType<typeof signedRequest>, extra: { now?: number; maxSkewMs?: number; region?: string } = {}) =>
    verifySignature({ ...request, lookupSecret, region: REGION, service: SERVICE, now: NOW, ...extra });

  it('accepts a request signed with the key, and names the key', () => {
    expect(check(signedRequest())).toEqual({ ok: true, accessKeyId: AK });
  });

  it('accepts a request whose query arrives in another order and whose host has a default port', () => {
    const request = signedRequest({ url: 'http://open.byteplusapi.com/?Version=2024-01-01&Action=GetAsset' });
    request.query = new URLSearchParams('Action=GetAsset&Version=2024-01-01');
    request.headers.host = 'open.byteplusapi.com:80';
    expect(check(request)).toEqual({ ok: true, accessKeyId: AK });
  });

  it('accepts a request signed by the reference signer (content-type unsigned, no X-Content-Sha256 without a body)', () => {
    const headers: Record<string, string> = { Host: '127.0.0.1:3900', 'Content-Type': 'application/json' };
    const request = { method: 'POST', region: REGION, pathname: '/', params: { Action: 'ListAssets', Version: '2024-01-01' }, headers };
    new VolcSigner(request, SERVICE).addAuthorization({ accessKeyId: AK, secretKey: SK }, new Date(NOW));
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(
      verifySignature({
        method: 'POST',
        path: '/',
        query: request.params,
        headers: lower,
        rawBody: '',
        lookupSecret,
        region: REGION,
        service: SERVICE,
        now: NOW,
      }),
    ).toEqual({ ok: true, accessKeyId: AK });
  });

  it('accepts X-Date up to the skew either way and refuses beyond it', () => {
    const request = signedRequest();
    expect(check(request, { now: NOW + 15 * 60 * 1000 }).ok).toBe(true);
    expect(check(request, { now: NOW - 15 * 60 * 1000 }).ok).toBe(true);
    expect(check(request, { now: NOW + 15 * 60 * 1000 + 1000 })).toMatchObject({ ok: false, code: 'InvalidTimestamp' });
    expect(check(request, { now: NOW, maxSkewMs: 0 }).ok).toBe(true);
    expect(check(request, { now: NOW + 1000, maxSkewMs: 0 })).toMatchObject({ ok: false, code: 'InvalidTimestamp' });
  });

  it('refuses a stale date', () => {
    expect(check(signedRequest({ now: NOW - 20 * 60 * 1000 }))).toMatchObject({ ok: false, code: 'InvalidTimestamp' });
  });

  it('refuses a tampered body with InvalidContentSha256 when the hash header is sent', () => {
    const request = signedRequest();
    request.rawBody = Buffer.from('{"Id":"asset-someone-else"}');
    expect(check(request)).toMatchObject({ ok: false, code: 'InvalidContentSha256' });
  });

  it('refuses a tampered body and hash with SignatureDoesNotMatch', () => {
    const request = signedRequest();
    request.rawBody = Buffer.from('{"Id":"asset-someone-else"}');
    request.headers['x-content-sha256'] = sha256Hex(request.rawBody);
    expect(check(request)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('refuses a body changed when no hash header was sent', () => {
    const request = signedRequest({ signedHeaders: ['content-type', 'host', 'x-date'] });
    delete request.headers['x-content-sha256'];
    expect(check(request).ok).toBe(true);
    request.rawBody = Buffer.from('{}');
    expect(check(request)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('refuses a changed signed header, query or method', () => {
    const header = signedRequest();
    header.headers['content-type'] = 'text/plain';
    expect(check(header)).toMatchObject({ code: 'SignatureDoesNotMatch' });
    const query = signedRequest();
    query.query = new URLSearchParams('Action=DeleteAsset&Version=2024-01-01');
    expect(check(query)).toMatchObject({ code: 'SignatureDoesNotMatch' });
    const host = signedRequest();
    host.headers.host = 'elsewhere:3900';
    expect(check(host)).toMatchObject({ code: 'SignatureDoesNotMatch' });
    const method = signedRequest();
    method.method = 'PUT';
    expect(check(method)).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('refuses a wrong secret', () => {
    expect(check(signedRequest({ secretAccessKey: 'not-the-secret' }))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('refuses an unknown access key', () => {
    expect(check(signedRequest({ accessKeyId: 'AKSTRANGER' }))).toMatchObject({
      ok: false,
      code: 'InvalidAccessKey',
      message: expect.stringContaining('AKSTRANGER'),
    });
  });

  it('refuses a scope of another region, service or date', () => {
    expect(check(signedRequest({ region: 'cn-beijing' }))).toMatchObject({ ok: false, code: 'InvalidCredentialScope' });
    expect(check(signedRequest({ service: 'iam' }))).toMatchObject({ ok: false, code: 'InvalidCredentialScope' });
    const otherDate = signedRequest();
    otherDate.headers.authorization = otherDate.headers.authorization.replace('/20260328/', '/20260327/');
    expect(check(otherDate)).toMatchObject({ ok: false, code: 'InvalidCredentialScope' });
    const terminator = signedRequest();
    terminator.headers.authorization = terminator.headers.authorization.replace('/ark/request', '/ark/aws4_request');
    expect(check(terminator)).toMatchObject({ ok: false, code: 'InvalidCredentialScope' });
  });

  it('refuses a request without Authorization', () => {
    const request = signedRequest();
    delete (request.headers as Record<string, string | undefined>).authorization;
    expect(check(request)).toMatchObject({ ok: false, code: 'MissingAuthenticationToken' });
  });

  it.each([
    ['a bearer token', 'Bearer sandbox-key'],
    ['another algorithm', `AWS4-HMAC-SHA256 Credential=${AK}/20260328/ap-southeast-1/ark/request, SignedHeaders=host;x-date, Signature=${'a'.repeat(64)}`],
    ['a short credential', `HMAC-SHA256 Credential=${AK}/20260328/ap-southeast-1, SignedHeaders=host;x-date, Signature=${'a'.repeat(64)}`],
    ['no signature', `HMAC-SHA256 Credential=${AK}/20260328/ap-southeast-1/ark/request, SignedHeaders=host;x-date`],
    ['a signature that is not hex', `HMAC-SHA256 Credential=${AK}/20260328/ap-southeast-1/ark/request, SignedHeaders=host;x-date, Signature=${'z'.repeat(64)}`],
    ['x-date not signed', `HMAC-SHA256 Credential=${AK}/20260328/ap-southeast-1/ark/request, SignedHeaders=host, Signature=${'a'.repeat(64)}`],
    [
      'a signed header that is absent',
      `HMAC-SHA256 Credential=${AK}/20260328/ap-southeast-1/ark/request, SignedHeaders=host;x-date;x-extra, Signature=${'a'.repeat(64)}`,
    ],
  ])('refuses a malformed Authorization (%s) with InvalidAuthorization', (_name, header) => {
    const request = signedRequest();
    request.headers.authorization = header;
    expect(check(request)).toMatchObject({ ok: false, code: 'InvalidAuthorization' });
  });

  it('refuses a malformed X-Date with InvalidTimestamp', () => {
    const request = signedRequest();
    request.headers['x-date'] = '2026-03-28T09:15:30Z';
    expect(check(request)).toMatchObject({ ok: false, code: 'InvalidTimestamp' });
  });
});

describe('parsing helpers', () => {
  it('parses an Authorization header into its parts', () => {
    const signature = 'f'.repeat(64);
    expect(parseAuthorization(`HMAC-SHA256 Credential=AK/20260328/ap-southeast-1/ark/request, SignedHeaders=host;x-date, Signature=${signature}`)).toEqual({
      accessKeyId: 'AK',
      shortDate: '20260328',
      region: 'ap-southeast-1',
      service: 'ark',
      terminator: 'request',
      signedHeaders: ['host', 'x-date'],
      signature,
    });
  });

  it('parses X-Date and refuses impossible dates', () => {
    expect(parseXDate('20260328T091530Z')).toBe(NOW);
    expect(parseXDate('20260230T000000Z')).toBeNaN();
    expect(parseXDate('20260328T091530')).toBeNaN();
  });
});
