import { createHash, randomBytes } from 'node:crypto';

/** Tokens are `oh-` + 32 url-safe random characters; only their SHA-256 is stored. */
export function newToken(): string {
  return `oh-${randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenPrefix(token: string): string {
  return token.slice(0, 7);
}
