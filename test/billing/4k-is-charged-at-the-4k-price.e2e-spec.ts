import { createAndFinish, ledger, nanoToUsd } from '../support/billing';
import { startGateway, type TestGateway } from '../support/test-gateway';

/** Seed 000 §2.1/§3: 4K (3840×2160 at 16:9) is charged at the 4k SKU, $4.0/M without video input. */
describe('4k is charged at the 4k price', () => {
  let gw: TestGateway;
  let t: { id: string; token: string };
  beforeAll(async () => {
    gw = await startGateway();
    t = await gw.newTenant({ media_policy: 'any' });
  });
  afterAll(async () => gw?.close());

  it('4 s of 16:9 4k = 3840×2160×97/1024 = 785700 tokens = $3.1428', async () => {
    const task = await createAndFinish(gw, t.token, {
      model: 'dreamina-seedance-2-0',
      content: [{ type: 'text', text: 'paper boat' }],
      resolution: '4k',
      ratio: '16:9',
      duration: 4,
    });
    expect(task.usage.completion_tokens).toBe(785700);
    const entry = (await ledger(gw, t.id))[0];
    expect(entry).toMatchObject({ sku: 'dreamina-seedance-2-0-4k-novideo', tokens: '785700', resolution: '4k' });
    expect(nanoToUsd(entry.amountNano)).toBe('3.142800000');
  });

  it('with a reference video: $2.4/M', async () => {
    const task = await createAndFinish(gw, t.token, {
      model: 'dreamina-seedance-2-0',
      content: [
        { type: 'text', text: 'extend' },
        { type: 'video_url', role: 'reference_video', video_url: { url: 'https://example.com/v.mp4' } },
      ],
      resolution: '4k',
      ratio: '9:16',
      duration: 5,
    });
    const entry = (await ledger(gw, t.id)).find((e) => e.taskId === task.id)!;
    expect(entry.sku).toBe('dreamina-seedance-2-0-4k-video');
    // 2160×3840×121/1024 = 980100 tokens × $2.4/M = $2.35224
    expect(entry.tokens).toBe('980100');
    expect(nanoToUsd(entry.amountNano)).toBe('2.352240000');
  });
});
