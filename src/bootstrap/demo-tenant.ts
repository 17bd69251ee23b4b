import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemContext } from '../common/http/request-context';
import type { AdminService } from '../admin/admin.service';
import { TenancyService } from '../tenancy/tenancy.service';

export interface DemoCredentials {
  tenantId: string;
  token: string;
}

/**
 * The demo tenant of a local run: created once, and its token kept in a local file (mode 0600) so a
 * restart prints the same one. A token that was revoked is replaced.
 */
export async function ensureDemoTenant(tenancy: TenancyService, admin: AdminService, file: string): Promise<DemoCredentials> {
  const saved = await readSaved(file);
  if (saved && (await tenancy.isLiveTenantToken(saved.tenantId, saved.token))) return saved;
  const tenant = (await tenancy.findTenantByName('demo')) ?? (await admin.createTenant({ name: 'demo', media_policy: 'any' }, systemContext()));
  const issued = await admin.issueTenantToken(tenant.id, 'demo', systemContext());
  const creds = { tenantId: tenant.id, token: issued.token };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return creds;
}

async function readSaved(file: string): Promise<DemoCredentials | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<DemoCredentials>;
    return typeof parsed.tenantId === 'string' && typeof parsed.token === 'string' ? (parsed as DemoCredentials) : undefined;
  } catch {
    return undefined;
  }
}
