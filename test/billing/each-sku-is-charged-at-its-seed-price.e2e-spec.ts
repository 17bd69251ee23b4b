import { SEED_PRICES } from '../../src/billing/sku-rules';
import { createAndFinish, expectedUsd, ledger, nanoToUsd } from '../support/billing';
import { startGateway, TestGateway } from '../support/test-gateway';

/** Seed 000 §3: every SKU of the price table, charged usage.completion_tokens × its price, exactly. */
describe('each SKU is charged at its seed price', () => {
  let gw: TestGateway;
  let t: { id: string; token: string };
  beforeAll(async () => {
    gw = await startGateway();
    t = await gw.newTenant({ media_policy: 'any' });
  });
  afterAll(async () => gw?.close());

  const video = { type: 'video_url', role: 'reference_video', video_url: { url: 'https://example.com/in.mp4' } };
  const text = { type: 'text', text: 'A paper boat on calm water.' };
  const requestFor = (sku: string) => {
    const hasVideo = sku.endsWith('-video');
    const content = hasVideo ? [text, video] : [text];
    const m = /^dreamina-seedance-2-0-(480p|720p|1080p|4k)-/.exec(sku);
    if (m) return { model: 'dreamina-seedance-2-0', content, resolution: m[1], ratio: '16:9', duration: 4 };
    const model = sku.includes('-fast-') ? 'dreamina-seedance-2-0-fast' : 'dreamina-seedance-2-0-mini';
    return { model, content, resolution: '720p', ratio: '9:16', duration: 5 };
  };

  it.each(SEED_PRICES.map(([sku, usd]) => [sku, usd]))('%s at $%s/M tokens', async (sku, usd) => {
    const task = await createAndFinish(gw, t.token, requestFor(sku));
    expect(task.status).toBe('succeeded');
    const entry = (await ledger(gw, t.id)).find((e) => e.taskId === task.id);
    expect(entry).toBeDefined();
    expect(entry).toMatchObject({ sku, tokens: String(task.usage.completion_tokens) });
    expect(nanoToUsd(entry!.amountNano)).toBe(expectedUsd(task.usage.completion_tokens, usd));
  });

  it('the usage report adds them up per SKU and in total', async () => {
    const entries = await ledger(gw, t.id);
    const res = await gw.call('GET', '/billing/usage?group_by=sku', { token: t.token });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(12);
    expect(res.body.totals.tasks).toBe(12);
    expect(res.body.totals.tokens).toBe(entries.reduce((n, e) => n + Number(e.tokens), 0));
    const totalNano = entries.reduce((n, e) => n + BigInt(e.amountNano), 0n);
    expect(res.body.totals.amount_usd.replace(/0+$/, '')).toBe(nanoToUsd(totalNano.toString()).replace(/0+$/, ''));
  });
});
