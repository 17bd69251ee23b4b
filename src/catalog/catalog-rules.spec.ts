import { capabilityViolation, modelSpec, resolveModelName, stableNameOf } from './catalog-rules';

const spec = (name: string) => {
  const m = modelSpec(name);
  if (!m) throw new Error(`no ${name}`);
  return m;
};

describe('catalog: model names (docs/contract.md §2)', () => {
  it.each([
    'dreamina-seedance-2-0',
    'dreamina-seedance-2-0-fast',
    'dreamina-seedance-2-0-mini',
    'dreamina-seedance-2-0-filter-off',
    'dreamina-seedance-2-0-fast-filter-off',
  ])('accepts the stable name %s as itself', (name) => {
    expect(stableNameOf(name)).toBe(name);
  });

  it.each([
    ['dreamina-seedance-2-0-260128', 'dreamina-seedance-2-0'],
    ['dreamina-seedance-2-0-fast-260128', 'dreamina-seedance-2-0-fast'],
    ['dreamina-seedance-2-0-mini-260615', 'dreamina-seedance-2-0-mini'],
  ])('normalises the official alias %s to %s', (alias, stable) => {
    expect(stableNameOf(alias)).toBe(stable);
  });

  it.each([
    ['seedance-2-0', 'dreamina-seedance-2-0'],
    ['seedance-2-0-260128', 'dreamina-seedance-2-0'],
    ['seedance-2-0-fast', 'dreamina-seedance-2-0-fast'],
    ['seedance-2-0-fast-260128', 'dreamina-seedance-2-0-fast'],
    ['seedance-2-0-mini', 'dreamina-seedance-2-0-mini'],
    ['dreamina-seedance-2.0-mini', 'dreamina-seedance-2-0-mini'],
    ['dreamina-seedance-2-0-filter-off-260128', 'dreamina-seedance-2-0-filter-off'],
    ['dreamina-seedance-2-0-260128-filter-off', 'dreamina-seedance-2-0-filter-off'],
    ['dreamina-seedance-2-0-fast-filter-off-260128', 'dreamina-seedance-2-0-fast-filter-off'],
    ['dreamina-seedance-2-0-fast-260128-filter-off', 'dreamina-seedance-2-0-fast-filter-off'],
    ['doubao-seedance-2-0-fast', 'dreamina-seedance-2-0-fast'],
    ['doubao-seedance-2-0-mini', 'dreamina-seedance-2-0-mini'],
  ])('refuses %s and names %s instead', (name, instead) => {
    const r = resolveModelName(name);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(`\`${instead}\``);
  });

  it('refuses unknown names listing the stable ones', () => {
    const r = resolveModelName('gpt-video');
    expect(r).toEqual({ ok: false, message: expect.stringContaining('dreamina-seedance-2-0-mini') });
  });

  it('is exact: case and whitespace variants are not aliases', () => {
    expect(stableNameOf('Dreamina-Seedance-2-0')).toBeUndefined();
    expect(stableNameOf(' dreamina-seedance-2-0')).toBeUndefined();
  });
});

describe('catalog: capabilities (docs/contract.md §2)', () => {
  it.each([
    ['dreamina-seedance-2-0', '4k', true],
    ['dreamina-seedance-2-0', '1080p', true],
    ['dreamina-seedance-2-0-filter-off', '4k', true],
    ['dreamina-seedance-2-0-fast', '1080p', false],
    ['dreamina-seedance-2-0-fast', '4k', false],
    ['dreamina-seedance-2-0-fast', '720p', true],
    ['dreamina-seedance-2-0-mini', '4k', false],
    ['dreamina-seedance-2-0-mini', '1080p', false],
    ['dreamina-seedance-2-0-mini', '480p', true],
    ['dreamina-seedance-2-0-fast-filter-off', '1080p', false],
    ['dreamina-seedance-2-0', '2k', false],
  ])('%s at %s allowed=%s', (model, resolution, allowed) => {
    const v = capabilityViolation(spec(model), { resolution, hasAudioReference: false });
    expect(v === undefined).toBe(allowed);
    if (v) expect(v.param).toBe('resolution');
  });

  it('mini refuses audio reference, flex and draft; others pass them on', () => {
    const mini = spec('dreamina-seedance-2-0-mini');
    expect(capabilityViolation(mini, { hasAudioReference: true })?.param).toBe('content');
    expect(capabilityViolation(mini, { hasAudioReference: false, serviceTier: 'flex' })?.param).toBe('service_tier');
    expect(capabilityViolation(mini, { hasAudioReference: false, draft: true })?.param).toBe('draft');
    expect(capabilityViolation(mini, { hasAudioReference: false, draft: false, serviceTier: 'default' })).toBeUndefined();
    const std = spec('dreamina-seedance-2-0');
    expect(capabilityViolation(std, { hasAudioReference: true, serviceTier: 'flex', draft: true })).toBeUndefined();
  });
});
