/** An instant in epoch milliseconds as the admin, billing and audit APIs write it: ISO-8601 UTC with milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `isoTime`, or null for an instant that has not happened (a token never revoked, a task not finished). */
export function isoTimeOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : isoTime(ms);
}
