import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditInput, AuditService } from '../audit/audit.service';
import { RequestContext, systemContext } from '../common/http/request-context';
import { IssuedToken, TenancyChange, TenancyService, TenantInput, TenantView, TokenView } from '../tenancy/tenancy.service';

/**
 * The admin changes to tenants and tokens, each with its audit event written in the transaction of the change
 * (tenancy makes the change and hands it over; the audit trail is the admin path's concern, not tenancy's).
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly tenancy: TenancyService,
    private readonly audit: AuditService,
  ) {}

  createTenant(input: TenantInput & { name: string }, ctx: RequestContext): Promise<TenantView> {
    return this.tenancy.createTenant(input, this.audited(ctx));
  }

  updateTenant(id: string, input: TenantInput, ctx: RequestContext): Promise<TenantView> {
    return this.tenancy.updateTenant(id, input, this.audited(ctx));
  }

  issueTenantToken(tenantId: string, name: string, ctx: RequestContext): Promise<IssuedToken> {
    return this.tenancy.issueTenantToken(tenantId, name, this.audited(ctx));
  }

  issueStaffToken(role: 'admin' | 'auditor', name: string, ctx: RequestContext): Promise<IssuedToken> {
    return this.tenancy.issueStaffToken(role, name, this.audited(ctx));
  }

  revokeToken(id: string, ctx: RequestContext): Promise<TokenView> {
    return this.tenancy.revokeToken(id, this.audited(ctx));
  }

  /** ARKGATE_ADMIN_TOKEN at start-up: a replacement is audited as arkgate's own act (no caller). */
  syncBootstrapAdmin(token: string | undefined): Promise<void> {
    return this.tenancy.syncBootstrapAdmin(token, (m, change) => this.audit.record(m, auditEventOf(change, systemContext())));
  }

  private audited(ctx: RequestContext): (m: EntityManager, change: TenancyChange) => Promise<unknown> {
    return (m, change) => this.audit.record(m, auditEventOf(change, ctx));
  }
}

/** The audit event of a tenancy change. */
export function auditEventOf(change: TenancyChange, ctx: RequestContext): AuditInput {
  switch (change.kind) {
    case 'tenant.created':
      return {
        action: 'admin.tenant.create',
        ctx,
        tenantId: change.tenantId,
        targetId: change.tenantId,
        outcome: { status: 201 },
        properties: { input: change.input },
      };
    case 'tenant.updated':
      return {
        action: 'admin.tenant.update',
        ctx,
        tenantId: change.tenantId,
        targetId: change.tenantId,
        outcome: { status: 200 },
        properties: { changes: change.changes },
      };
    case 'token.issued': {
      const { role, name, prefix } = change;
      return {
        action: 'admin.token.issue',
        ctx,
        tenantId: change.tenantId,
        targetId: change.tokenId,
        outcome: { status: 201 },
        properties: change.bootstrap ? { role, name, prefix, bootstrap: true } : { role, name, prefix },
      };
    }
    case 'token.revoked': {
      const { role, name } = change;
      return {
        action: 'admin.token.revoke',
        ctx,
        tenantId: change.tenantId,
        targetId: change.tokenId,
        outcome: { status: 200 },
        properties: change.reason !== undefined ? { role, name, reason: change.reason } : { role, name, already_revoked: change.alreadyRevoked },
      };
    }
  }
}
