/**
 * Exact money: amounts are integers of nano-USD (1e-9 USD), prices integers of nano-USD per million
 * tokens. Never floats. BigInt does the arithmetic; values cross the database as decimal strings.
 */
const NANO = 1_000_000_000n;
/** A non-negative USD amount with at most 9 decimals, as a string ("7.0", "250.00"). */
export const USD_PATTERN = /^(0|[1-9]\d{0,5})(\.\d{1,9})?$/;

/** "7.0" USD per million tokens → 7000000000n nano-USD per million tokens. Refuses more than 9 decimals. */
export function parseUsd(value: string): bigint {
  if (!USD_PATTERN.test(value)) throw new RangeError(`not a USD amount with at most 9 decimals: ${value}`);
  const [whole, frac = ''] = value.split('.');
  return BigInt(whole) * NANO + BigInt(frac.padEnd(9, '0'));
}

/** nano-USD → decimal string, always 9 decimals trimmed to at least 2 ("0.28", "1.234567891"). */
export function formatUsd(nano: bigint): string {
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  const whole = abs / NANO;
  let frac = (abs % NANO).toString().padStart(9, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

/** tokens × price (nano-USD per million tokens) / 1e6, rounded half up to a whole nano-USD. */
export function chargeNano(tokens: number | bigint, nanoPerMillionTokens: bigint): bigint {
  const t = BigInt(tokens);
  if (t < 0n) throw new RangeError('negative token count');
  return (t * nanoPerMillionTokens + 500_000n) / 1_000_000n;
}
