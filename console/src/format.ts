/**
 * How the console shows money, counts and times. Money arrives from the API as exact decimal strings
 * (nano-USD precision); it is only regrouped here, never turned into a float.
 */

const DASH = '—';

/** Groups the integer digits of a non-negative integer string: "1234567" → "1,234,567". */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "0.9896264" → "$0.9896264", "1234.5" → "$1,234.50", "7" → "$7.00", null → "—". Not a decimal: shown as given. */
export function formatUsd(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return DASH;
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) return amount;
  const [, sign, whole, frac = ''] = m;
  const wholeDigits = whole.replace(/^0+(?=\d)/, '');
  const fraction = frac.replace(/0+$/, '').padEnd(2, '0');
  return `${sign}$${groupDigits(wholeDigits)}.${fraction}`;
}

/** A count with thousands separators; null → "—". */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  const sign = n < 0 ? '-' : '';
  return sign + groupDigits(String(Math.trunc(Math.abs(n))));
}

/** A decimal USD string as a number, for drawing proportions only (never for sums shown to people). */
export function usdMagnitude(amount: string | null | undefined): number {
  const n = Number(amount);
  return Number.isFinite(n) ? n : 0;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** An instant (ISO string or epoch milliseconds) as "2026-06-11 20:41:21 UTC"; null or invalid → "—". */
export function formatTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return DASH;
  const d = new Date(value);
  const t = d.getTime();
  if (Number.isNaN(t)) return DASH;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** How long ago an instant was, coarsely ("just now", "5 min ago", "3 h ago", "2 d ago"), relative to `now`. */
export function formatAgo(value: string | number | null | undefined, now: number): string {
  if (value === null || value === undefined || value === '') return DASH;
  const t = new Date(value).getTime();
  if (Number.isNaN(t)) return DASH;
  const s = Math.round((now - t) / 1000);
  if (s < 0) return 'in the future';
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** A date field's value ("2026-11-01") as the ISO instant that day starts (UTC). Empty or malformed → undefined. */
export function dayStartIso(day: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const t = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** A date field meant inclusively ("up to and including 2026-11-30") as the exclusive ISO end: the next day's start. */
export function dayEndExclusiveIso(day: string): string | undefined {
  const start = dayStartIso(day);
  return start === undefined ? undefined : new Date(Date.parse(start) + 86_400_000).toISOString();
}

/** The UTC day of an instant, as a date field value ("2026-11-30"). */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "dreamina-seedance-2-0-720p-novideo" stays as is; long ids are shortened in the middle for tables. */
export function shortId(id: string | null | undefined, keep = 8): string {
  if (!id) return DASH;
  return id.length <= keep * 2 + 1 ? id : `${id.slice(0, keep)}…${id.slice(-4)}`;
}
