/**
 * The seeds refuse `Moderation.Strategy=Skip` on every asset-library request (400
 * moderation_skip_not_allowed), whatever the action: a group or asset must never be created, listed or
 * read on the promise that moderation was skipped. Pure.
 *
 * Matched generously, because BytePlus reads JSON keys case-insensitively and a value spelled `skip` or
 * ` SKIP ` may well mean the same to it: the `Moderation` key in any casing at the top level, its
 * `Strategy` in any casing, or a flat `Moderation.Strategy` key; a value that is `skip` in any casing
 * once trimmed. Refusing a spelling upstream would not have honoured costs a 400; forwarding one it
 * does honour would skip moderation.
 */
const SKIP = /^\s*skip\s*$/i;

export function asksToSkipModeration(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const entries: [string, unknown][] = Object.entries(body);
  for (const [key, value] of entries) {
    const name = key.trim().toLowerCase();
    if (name === 'moderation.strategy' && isSkip(value)) return true;
    if (name !== 'moderation') continue;
    if (isSkip(value)) return true;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [inner, strategy] of Object.entries(value)) {
        if (inner.trim().toLowerCase() === 'strategy' && isSkip(strategy)) return true;
      }
    }
  }
  return false;
}

function isSkip(value: unknown): boolean {
  return typeof value === 'string' && SKIP.test(value);
}
