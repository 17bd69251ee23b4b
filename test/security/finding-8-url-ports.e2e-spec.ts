import { startGateway, TASKS, type TestGateway } from '../support/test-gateway';
import { lastUpstreamCreate, upstreamCreates } from '../support/upstream-requests';

/**
 * Issue 9, finding 8: URL ports were unrestricted (`https://hooks.example.com:6379/` accepted) and content media
 * URLs under media policy `any` had no public-address check (`http://169.254.169.254/latest/meta-data/` was
 * forwarded). docs/contract.md §10: callback, asset and (under `any`) content media URLs are public, on 443 or an
 * ARKGATE_ALLOWED_URL_PORTS port; content media may be http, then also on 80.
 */
describe('finding 8: URL ports and public addresses for every URL', () => {
  let gw: TestGateway;
  let any: { id: string; token: string };
  const text = { type: 'text', text: 'A boat.' };
  const vid = (url: string) => ({ type: 'video_url', role: 'reference_video', video_url: { url } });
  const img = (url: string) => ({ type: 'image_url', role: 'reference_image', image_url: { url } });
  const body = (extra: Record<string, unknown>) => ({ model: 'dreamina-seedance-2-0', content: [text], duration: 5, ...extra });
  const create = (sent: unknown) => gw.call('POST', TASKS, { token: any.token, body: sent });

  beforeAll(async () => {
    gw = await startGateway({
      env: {
        ARKGATE_DNS_OVERRIDES: 'example.com=93.184.215.14,hooks.example.com=93.184.215.30,media.example.com=93.184.215.20,metadata.example.com=169.254.169.254',
      },
    });
    any = await gw.newTenant({ media_policy: 'any' });
  });
  afterAll(async () => gw?.close());
  beforeEach(() => gw.sandbox.control.clearRequests());

  const expectRefused = async (sent: unknown, param: string, reason: string) => {
    const res = await create(sent);
    expect({ status: res.status, code: res.body?.error?.code, param: res.body?.error?.param }).toEqual({ status: 400, code: 'invalid_request', param });
    expect(res.body.error.message).toContain(reason);
    expect(upstreamCreates(gw.sandbox)).toHaveLength(0);
  };

  describe('callback_url', () => {
    it.each([
      ['https://hooks.example.com:6379/', 'port 6379 is not allowed'],
      ['https://hooks.example.com:22/cb', 'port 22 is not allowed'],
      ['https://hooks.example.com:80/cb', 'port 80 is not allowed'],
      ['https://hooks.example.com:0443/cb', 'plain decimal'],
      ['https://[2606:4700::6810:84e5]:6379/cb', 'port 6379 is not allowed'],
    ])('%s → 400, nothing sent upstream', async (url, reason) => {
      await expectRefused(body({ callback_url: url }), 'callback_url', reason);
    });

    it.each(['https://hooks.example.com/cb', 'https://hooks.example.com:443/cb', 'https://hooks.example.com:8443/cb'])('%s is accepted', async (url) => {
      expect((await create(body({ callback_url: url }))).status).toBe(200);
      expect(lastUpstreamCreate(gw.sandbox)?.callback_url).toBe(url);
    });
  });

  describe('content media under media policy any', () => {
    it.each([
      ['http://169.254.169.254/latest/meta-data/', 'non-public address (169.254.169.254: link-local address)'],
      ['https://metadata.example.com/latest/meta-data/', 'resolves to a non-public address (169.254.169.254'],
      ['http://10.0.0.1/in.mp4', 'private address'],
      ['http://[::1]/in.mp4', 'loopback address'],
      ['http://localhost/in.mp4', 'localhost'],
      ['https://media.example.com:6379/in.mp4', 'port 6379 is not allowed'],
      ['http://media.example.com:6379/in.mp4', 'port 6379 is not allowed (allowed: 80, 443, 8443)'],
      ['https://user:pw@media.example.com/in.mp4', 'user name or password'],
      ['https://nowhere.invalid/in.mp4', 'could not be resolved'],
    ])('a video %s → 400 naming the item, nothing sent upstream', async (url, reason) => {
      await expectRefused(body({ content: [text, vid(url)] }), 'content[1].video_url.url', reason);
    });

    it('plain URLs in references are held to the same rule', async () => {
      await expectRefused(
        body({ content: [text, vid('https://media.example.com/in.mp4')], references: { image: ['http://169.254.169.254/x.png'] } }),
        'references.image[0]',
        'link-local',
      );
    });

    it('public http and https media on 80, 443 and allowed ports pass, trimmed', async () => {
      const content = [text, vid(' http://media.example.com/in.mp4 '), img('http://media.example.com:8443/a.png'), img('https://media.example.com/b.png')];
      expect((await create(body({ content }))).status).toBe(200);
      expect(lastUpstreamCreate(gw.sandbox)?.content.map((c: any) => (c.video_url ?? c.image_url)?.url)).toEqual([
        undefined,
        'http://media.example.com/in.mp4',
        'http://media.example.com:8443/a.png',
        'https://media.example.com/b.png',
      ]);
    });
  });

  describe('asset URL', () => {
    const action = (name: string) => `/volcark/?Action=${name}&Version=2024-01-01`;
    it.each([
      ['https://media.example.com:6379/a.png', 'port 6379 is not allowed'],
      ['http://media.example.com/a.png', 'URL must use https'],
      ['https://metadata.example.com/latest/meta-data/', 'non-public address'],
    ])('CreateAsset with URL %s → 400, nothing sent upstream', async (url, reason) => {
      const t = await gw.newTenant();
      const group = await gw.call('POST', action('CreateAssetGroup'), { token: t.token, body: { Name: 'g' } });
      gw.sandbox.control.clearRequests();
      const res = await gw.call('POST', action('CreateAsset'), { token: t.token, body: { GroupId: group.body.Result.Id, URL: url, AssetType: 'Image' } });
      expect(res.status).toBe(400);
      expect(res.body.ResponseMetadata.Error).toMatchObject({ Code: 'invalid_request', Message: expect.stringContaining(reason) });
      expect(gw.sandbox.control.requests()).toEqual([]);
    });
  });

  describe('ARKGATE_ALLOWED_URL_PORTS', () => {
    let custom: TestGateway;
    beforeAll(async () => {
      custom = await startGateway({ env: { ARKGATE_ALLOWED_URL_PORTS: '9443' } });
    });
    afterAll(async () => custom?.close());

    it('replaces 8443 (443 always stays)', async () => {
      const t = await custom.newTenant({ media_policy: 'any' });
      const send = (url: string) => custom.call('POST', TASKS, { token: t.token, body: body({ callback_url: url }) });
      expect((await send('https://example.com:9443/cb')).status).toBe(200);
      expect((await send('https://example.com/cb')).status).toBe(200);
      const refused = await send('https://example.com:8443/cb');
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('(allowed: 443, 9443)');
    });
  });
});
