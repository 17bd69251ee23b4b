/**
 * The assets module's one cross-tenant reader for the operator's reconciliation view (docs/contract.md §9): asset-library
 * creates whose upstream outcome is still unknown or was left unresolved, with what was sent minus secrets. Other
 * modules read them through AssetReconciler.unresolvedAcrossTenants, never through this reader, the repository or
 * AssetCrossTenantReader.
 */
import { isoTime } from '../common/iso-time';
import { Injectable } from '@nestjs/common';
import { redact } from '../audit/redact';
import { AssetSubmissionKind, AssetSubmissionStatus } from './asset-submission.entity';
import { AssetCrossTenantReader } from './asset-cross-tenant.reader';

export interface UnresolvedAssetSubmission {
  submission_id: string;
  tenant_id: string;
  kind: AssetSubmissionKind;
  created_at: string;
  model: string | null;
  request_id: string;
  status: AssetSubmissionStatus;
  reason: string;
  /** The body sent upstream, secrets (signed URL parameters, tokens) replaced by [REDACTED]. */
  sent: Record<string, unknown>;
}

@Injectable()
export class UnresolvedAssetSubmissionsReader {
  constructor(private readonly crossTenant: AssetCrossTenantReader) {}

  async listAcrossTenants(since: number, staleBefore: number, limit: number): Promise<UnresolvedAssetSubmission[]> {
    const rows = await this.crossTenant.unresolvedSubmissions(since, staleBefore, limit);
    return rows.map((s) => ({
      submission_id: s.id,
      tenant_id: s.tenantId,
      kind: s.kind,
      created_at: isoTime(s.createdAt),
      model: s.model,
      request_id: s.requestId,
      status: s.status,
      reason: s.reason ?? (s.status === 'submitting' ? 'stale_submitting' : 'resolving'),
      sent: redact(s.upstreamRequest) as Record<string, unknown>,
    }));
  }
}
