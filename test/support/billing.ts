import { DataSource } from 'typeorm';
import { LedgerEntryEntity } from '../../src/billing/ledger-entry.entity';
import { eventually, TASKS, type TestGateway } from './test-gateway';
import { testTenantId } from './tenant-id';

/** The ledger as stored, for one tenant (or all). */
export async function ledger(gw: TestGateway, tenantId?: string): Promise<LedgerEntryEntity[]> {
  return gw.app
    .get(DataSource)
    .getRepository(LedgerEntryEntity)
    .find({ where: tenantId ? { tenantId: testTenantId(tenantId) } : {}, order: { createdAt: 'ASC' } });
}

/** Independent of the code under test: tokens × USD-per-million, exact, as a decimal string of USD. */
export function expectedUsd(tokens: number, usdPerMillion: string): string {
  const [w, f = ''] = usdPerMillion.split('.');
  const nanoPerMillion = BigInt(w) * 1_000_000_000n + BigInt(f.padEnd(9, '0'));
  const nano = (BigInt(tokens) * nanoPerMillion + 500_000n) / 1_000_000n;
  return `${nano / 1_000_000_000n}.${(nano % 1_000_000_000n).toString().padStart(9, '0')}`;
}

export function nanoToUsd(nano: string): string {
  const n = BigInt(nano);
  return `${n / 1_000_000_000n}.${(n % 1_000_000_000n).toString().padStart(9, '0')}`;
}

/** Creates a task and follows it (GET) until it is terminal; returns the final task object. */
export async function createAndFinish(gw: TestGateway, token: string, body: unknown, outcome?: 'failed' | 'expired') {
  const created = await gw.call('POST', TASKS, { token, body });
  if (created.status !== 200) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  if (outcome) gw.sandbox.control.forceOutcome(id, outcome);
  const done = await eventually(
    () => gw.call('GET', `${TASKS}/${id}`, { token }),
    (r) => ['succeeded', 'failed', 'expired', 'cancelled'].includes(r.body.status),
  );
  return done.body as Record<string, any>;
}
