import { randomUUID } from 'node:crypto';
import type { TenantId } from '../../src/common/tenant-identity/tenant-id';

/**
 * Tests' maker of a `TenantId`: the id of a tenant the test created (through the admin API or a fixture), or a fresh
 * one for a row that needs no tenant behind it. Production code gets its ids from the auth path or a row instead.
 */
export function testTenantId(id: string = randomUUID()): TenantId {
  return id as TenantId;
}
