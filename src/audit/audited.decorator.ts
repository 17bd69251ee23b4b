import { SetMetadata } from '@nestjs/common';

/** The audit action of a route, or a function of the query that names it (null: a read, not audited). */
export type AuditActionSpec = string | ((query: Record<string, unknown>) => string | null);

export const AUDIT_ACTION = 'arkgate:audit-action';

/**
 * Marks a state-changing route. Its service writes the event in the transaction of the change; if the
 * request is refused after authentication instead, the error filter writes one with the outcome.
 */
export const Audited = (action: AuditActionSpec) => SetMetadata(AUDIT_ACTION, action);
