/**
 * The opaque cursor of the admin task log: the (created_at, id) of the last row of a page, so the next
 * page is a keyset range scan (newest first) instead of an OFFSET that grows with the page number.
 */
export interface TaskLogPosition {
  createdAt: number;
  id: string;
}

export function encodeTaskLogCursor(p: TaskLogPosition): string {
  return Buffer.from(JSON.stringify([p.createdAt, p.id]), 'utf8').toString('base64url');
}

/** The position a cursor stands for, or null when it is not one this service made. */
export function decodeTaskLogCursor(cursor: string): TaskLogPosition | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [createdAt, id] = value as unknown[];
    if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt) || createdAt < 0) return null;
    if (typeof id !== 'string' || id.length === 0 || id.length > 64) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}
