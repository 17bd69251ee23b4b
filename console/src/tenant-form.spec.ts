import { createBody, EMPTY_TENANT_FORM, formOf, updateBody, type TenantShape } from './tenant-form';

const tenant: TenantShape = {
  name: 'acme',
  media_policy: 'asset_only',
  rate_limit_per_minute: 600,
  spend_limit_usd: '250.00',
  entitlements: { video_generation: true, asset_library: true, models: ['dreamina-seedance-2-0', 'dreamina-seedance-2-0-fast'] },
};

describe('creating a tenant sends what is set and lets the API default the rest', () => {
  it('a name only: entitlements flags, no models, no limits', () => {
    expect(createBody({ ...EMPTY_TENANT_FORM, name: ' acme ' })).toEqual({ name: 'acme', entitlements: { video_generation: true, asset_library: true } });
  });

  it('every field set, the rate limit as an integer', () => {
    expect(
      createBody({
        name: 'a',
        media_policy: 'any',
        rate_limit_per_minute: '120',
        spend_limit_usd: '10.5',
        video_generation: false,
        asset_library: true,
        models: ['dreamina-seedance-2-0'],
      }),
    ).toEqual({
      name: 'a',
      media_policy: 'any',
      rate_limit_per_minute: 120,
      spend_limit_usd: '10.5',
      entitlements: { video_generation: false, asset_library: true, models: ['dreamina-seedance-2-0'] },
    });
  });

  it('a rate limit that is not a whole number is sent as typed, for the API to refuse', () => {
    expect(createBody({ ...EMPTY_TENANT_FORM, name: 'a', rate_limit_per_minute: '1.5' }).rate_limit_per_minute).toBe('1.5');
  });
});

describe('editing a tenant sends only what changed', () => {
  it('nothing changed → an empty body', () => {
    expect(updateBody(formOf(tenant), tenant)).toEqual({});
  });

  it('one field', () => {
    expect(updateBody({ ...formOf(tenant), rate_limit_per_minute: '120' }, tenant)).toEqual({ rate_limit_per_minute: 120 });
  });

  it('an emptied spend limit removes it (null); a new one is sent as typed', () => {
    expect(updateBody({ ...formOf(tenant), spend_limit_usd: '' }, tenant)).toEqual({ spend_limit_usd: null });
    expect(updateBody({ ...formOf(tenant), spend_limit_usd: '99' }, tenant)).toEqual({ spend_limit_usd: '99' });
    expect(updateBody({ ...formOf({ ...tenant, spend_limit_usd: null }), spend_limit_usd: '' }, { ...tenant, spend_limit_usd: null })).toEqual({});
  });

  it('models in another order are not a change; a model added is, with the whole entitlements', () => {
    expect(updateBody({ ...formOf(tenant), models: ['dreamina-seedance-2-0-fast', 'dreamina-seedance-2-0'] }, tenant)).toEqual({});
    expect(updateBody({ ...formOf(tenant), models: [...tenant.entitlements.models, 'dreamina-seedance-2-0-mini'] }, tenant)).toEqual({
      entitlements: {
        video_generation: true,
        asset_library: true,
        models: ['dreamina-seedance-2-0', 'dreamina-seedance-2-0-fast', 'dreamina-seedance-2-0-mini'],
      },
    });
  });

  it('an entitlement switched off', () => {
    expect(updateBody({ ...formOf(tenant), asset_library: false }, tenant)).toEqual({ entitlements: { ...tenant.entitlements, asset_library: false } });
  });
});
