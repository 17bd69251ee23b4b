/** What a route declares about its audit action, read by whoever records a refusal of it. */
import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

/** The audit action of a route, or a function of the query that names it (null: a read, not audited). */
export type AuditActionSpec = string | ((query: Record<string, unknown>) => string | null);

export const AUDIT_ACTION = 'arkgate:audit-action';

/** The audit action a request to this handler stands for, or undefined when the route is not audited (or this call is a read). */
export function auditActionOf(
  reflector: Reflector,
  handler: ReturnType<ExecutionContext['getHandler']>,
  query: Record<string, unknown> | undefined,
): string | undefined {
  const spec = reflector.get<AuditActionSpec | undefined>(AUDIT_ACTION, handler);
  return typeof spec === 'function' ? (spec(query ?? {}) ?? undefined) : spec;
}
