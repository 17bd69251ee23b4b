import { assertTenantId } from './tenant-scoped.repository';

describe('tenant-scoped repository guard', () => {
  it.each([undefined, null, '', 0, {}])('refuses %p as a tenant id', (value) => {
    expect(() => assertTenantId(value)).toThrow('without a tenant id');
  });
  it('accepts a real id', () => {
    expect(() => assertTenantId('0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f')).not.toThrow();
  });
});
