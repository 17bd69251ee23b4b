/**
 * SKU choice and the seeded price table (docs/contract.md §2). Pure: no I/O.
 * The SKU follows the stable model's price family (Filter-Off uses its family's SKUs), the final
 * resolution the finished task reports, and whether the request had any video_url item.
 */
import type { PriceFamily } from '../catalog/catalog-rules';

export interface SkuInput {
  family: PriceFamily;
  /** The resolution the finished task reports (not the requested one). */
  resolution: string;
  hasVideoInput: boolean;
}

export function skuFor(input: SkuInput): string {
  const kind = input.hasVideoInput ? 'video' : 'novideo';
  switch (input.family) {
    case 'standard': {
      const res = input.resolution.toLowerCase();
      if (!['480p', '720p', '1080p', '4k'].includes(res)) throw new Error(`no standard SKU for resolution ${input.resolution}`);
      return `dreamina-seedance-2-0-${res}-${kind}`;
    }
    case 'fast':
      return `dreamina-seedance-2-0-fast-${kind}`;
    case 'mini':
      return `dreamina-seedance-2-0-mini-${kind}`;
  }
}

/** The 12 SKUs and prices (USD per million tokens) of docs/contract.md §2. */
export const SEED_PRICES: ReadonlyArray<readonly [sku: string, usdPerMillionTokens: string]> = [
  ['dreamina-seedance-2-0-480p-novideo', '7.0'],
  ['dreamina-seedance-2-0-480p-video', '4.3'],
  ['dreamina-seedance-2-0-720p-novideo', '7.0'],
  ['dreamina-seedance-2-0-720p-video', '4.3'],
  ['dreamina-seedance-2-0-1080p-novideo', '7.7'],
  ['dreamina-seedance-2-0-1080p-video', '4.7'],
  ['dreamina-seedance-2-0-4k-novideo', '4.0'],
  ['dreamina-seedance-2-0-4k-video', '2.4'],
  ['dreamina-seedance-2-0-fast-novideo', '5.6'],
  ['dreamina-seedance-2-0-fast-video', '3.3'],
  ['dreamina-seedance-2-0-mini-novideo', '3.5'],
  ['dreamina-seedance-2-0-mini-video', '2.1'],
];
