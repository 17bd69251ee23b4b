import { SEED_PRICES, skuFor } from './sku-rules';

describe('SKU choice (docs/contract.md §2)', () => {
  it.each([
    ['standard', '480p', false, 'dreamina-seedance-2-0-480p-novideo'],
    ['standard', '720p', true, 'dreamina-seedance-2-0-720p-video'],
    ['standard', '1080p', false, 'dreamina-seedance-2-0-1080p-novideo'],
    ['standard', '4k', true, 'dreamina-seedance-2-0-4k-video'],
    ['standard', '4K', false, 'dreamina-seedance-2-0-4k-novideo'],
    ['fast', '720p', false, 'dreamina-seedance-2-0-fast-novideo'],
    ['fast', '480p', true, 'dreamina-seedance-2-0-fast-video'],
    ['mini', '720p', true, 'dreamina-seedance-2-0-mini-video'],
  ] as const)('%s at %s, video input %s → %s', (family, resolution, hasVideoInput, sku) => {
    expect(skuFor({ family, resolution, hasVideoInput })).toBe(sku);
  });

  it('every SKU it can choose has a seeded price, and there are exactly 12', () => {
    const skus = new Set(SEED_PRICES.map(([s]) => s));
    expect(skus.size).toBe(12);
    for (const family of ['standard', 'fast', 'mini'] as const) {
      for (const resolution of family === 'standard' ? ['480p', '720p', '1080p', '4k'] : ['480p', '720p']) {
        for (const hasVideoInput of [true, false]) expect(skus.has(skuFor({ family, resolution, hasVideoInput }))).toBe(true);
      }
    }
  });

  it('refuses a resolution with no SKU', () => {
    expect(() => skuFor({ family: 'standard', resolution: '2k', hasVideoInput: false })).toThrow();
  });
});
