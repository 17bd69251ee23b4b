import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { AUDIT_ACTION, type AuditActionSpec } from './audit-action';
import { RefusalAuditInterceptor } from './refusal-audit.interceptor';

export { AUDIT_ACTION, auditActionOf, type AuditActionSpec } from './audit-action';

/**
 * Marks a state-changing route. Its service writes the event in the transaction of the change; if the request is
 * refused after authentication instead, RefusalAuditInterceptor writes one with the outcome. The interceptor wraps
 * only the routes marked so: reads pay nothing for it.
 */
export const Audited = (action: AuditActionSpec) => applyDecorators(SetMetadata(AUDIT_ACTION, action), UseInterceptors(RefusalAuditInterceptor));
