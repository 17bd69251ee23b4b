import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemContext } from '../common/http/request-context';
import type { AdminService } from '../admin/admin.service';
import { TenancyService } from '../tenancy/tenancy.service';

/**
 * The demo admin token of a local sandbox run (docs/contract.md §7), for the web console and the admin API:
 * issued once through the admin path (audited) and kept in a local file (mode 0600), so a restart prints
 * the same one. A token that was revoked is replaced.
 */
export async function ensureDemoAdmin(tenancy: TenancyService, admin: AdminService, file: string): Promise<string> {
  const saved = await readSaved(file);
  if (saved && (await tenancy.authenticate(saved))?.role === 'admin') return saved;
  const issued = await admin.issueStaffToken('admin', 'demo-admin', systemContext());
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ token: issued.token }, null, 2), { mode: 0o600 });
  return issued.token;
}

async function readSaved(file: string): Promise<string | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { token?: unknown };
    return typeof parsed.token === 'string' ? parsed.token : undefined;
  } catch {
    return undefined;
  }
}
