const DAY_MS = 86_400_000;

/** The day last formatted: its first millisecond and its `YYYY-MM-DDT` text. */
let dayStart = NaN;
let dayText = '';

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * An instant in epoch milliseconds as the admin, billing and audit APIs write it: ISO-8601 UTC with milliseconds,
 * exactly `Date.prototype.toISOString`. Instants of the day formatted last reuse its date text, so a run of times of
 * one day (an export's rows) costs a few integer divisions each instead of a Date; any other instant (another day, a
 * time before 1970, a non-integer, out of range) goes through `toISOString`, which also throws where it throws.
 */
export function isoTime(ms: number): string {
  const inDay = ms - dayStart;
  if (inDay >= 0 && inDay < DAY_MS && Number.isInteger(ms)) {
    const h = Math.floor(inDay / 3_600_000);
    const m = Math.floor((inDay % 3_600_000) / 60_000);
    const s = Math.floor((inDay % 60_000) / 1000);
    return `${dayText}${two(h)}:${two(m)}:${two(s)}.${three(inDay % 1000)}Z`;
  }
  const text = new Date(ms).toISOString();
  if (Number.isInteger(ms) && ms >= 0 && text.length === 24) {
    dayStart = ms - (ms % DAY_MS);
    dayText = text.slice(0, 11);
  }
  return text;
}

/** `isoTime`, or null for an instant that has not happened (a token never revoked, a task not finished). */
export function isoTimeOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : isoTime(ms);
}
