/**
 * The model catalog of docs/contract.md §2: stable names, accepted official aliases,
 * refused names with the name to use instead, and what each model can do. Pure: no I/O.
 */
export type PriceFamily = 'standard' | 'fast' | 'mini';
export type Resolution = '480p' | '720p' | '1080p' | '4k';

export interface ModelSpec {
  /** The stable external name. */
  name: string;
  /** The official upstream version; null for Filter-Off models, which need an admin mapping. */
  officialUpstream: string | null;
  family: PriceFamily;
  filterOff: boolean;
  resolutions: readonly Resolution[];
  audioReference: boolean;
  flexTier: boolean;
  draft: boolean;
}

const ALL: readonly Resolution[] = ['480p', '720p', '1080p', '4k'];
const LOW: readonly Resolution[] = ['480p', '720p'];

export const MODELS: readonly ModelSpec[] = [
  {
    name: 'dreamina-seedance-2-0',
    officialUpstream: 'dreamina-seedance-2-0-260128',
    family: 'standard',
    filterOff: false,
    resolutions: ALL,
    audioReference: true,
    flexTier: true,
    draft: true,
  },
  {
    name: 'dreamina-seedance-2-0-fast',
    officialUpstream: 'dreamina-seedance-2-0-fast-260128',
    family: 'fast',
    filterOff: false,
    resolutions: LOW,
    audioReference: true,
    flexTier: true,
    draft: true,
  },
  {
    name: 'dreamina-seedance-2-0-mini',
    officialUpstream: 'dreamina-seedance-2-0-mini-260615',
    family: 'mini',
    filterOff: false,
    resolutions: LOW,
    audioReference: false,
    flexTier: false,
    draft: false,
  },
  {
    name: 'dreamina-seedance-2-0-filter-off',
    officialUpstream: null,
    family: 'standard',
    filterOff: true,
    resolutions: ALL,
    audioReference: true,
    flexTier: true,
    draft: true,
  },
  {
    name: 'dreamina-seedance-2-0-fast-filter-off',
    officialUpstream: null,
    family: 'fast',
    filterOff: true,
    resolutions: LOW,
    audioReference: true,
    flexTier: true,
    draft: true,
  },
];

export const STABLE_MODEL_NAMES: readonly string[] = MODELS.map((m) => m.name);

/** The models a new tenant is entitled to: every normal model; Filter-Off only when an admin grants it. */
export const DEFAULT_TENANT_MODELS: readonly string[] = MODELS.filter((m) => !m.filterOff).map((m) => m.name);

const BY_NAME = new Map(MODELS.map((m) => [m.name, m]));

/** The three official version names accepted as aliases. */
const ALIASES = new Map(MODELS.filter((m) => m.officialUpstream).map((m) => [m.officialUpstream as string, m.name]));

/** Names BytePlus lists as not accepted, with the stable name a caller should use instead. */
const REFUSED: ReadonlyMap<string, string> = new Map([
  ['seedance-2-0', 'dreamina-seedance-2-0'],
  ['seedance-2-0-260128', 'dreamina-seedance-2-0'],
  ['seedance-2-0-fast', 'dreamina-seedance-2-0-fast'],
  ['seedance-2-0-fast-260128', 'dreamina-seedance-2-0-fast'],
  ['seedance-2-0-mini', 'dreamina-seedance-2-0-mini'],
  ['dreamina-seedance-2.0-mini', 'dreamina-seedance-2-0-mini'],
  ['dreamina-seedance-2-0-filter-off-260128', 'dreamina-seedance-2-0-filter-off'],
  ['dreamina-seedance-2-0-260128-filter-off', 'dreamina-seedance-2-0-filter-off'],
  ['dreamina-seedance-2-0-fast-filter-off-260128', 'dreamina-seedance-2-0-fast-filter-off'],
  ['dreamina-seedance-2-0-fast-260128-filter-off', 'dreamina-seedance-2-0-fast-filter-off'],
]);

export type ModelResolution = { ok: true; model: ModelSpec } | { ok: false; message: string };

/** Resolves a requested model name (stable name or official alias) to its spec, or says what to use. */
export function resolveModelName(requested: string): ModelResolution {
  const stable = BY_NAME.get(requested) ?? BY_NAME.get(ALIASES.get(requested) ?? '');
  if (stable) return { ok: true, model: stable };
  const instead = REFUSED.get(requested);
  if (instead) {
    const why = requested.includes('filter-off')
      ? 'is not an official BytePlus model name and is not mapped'
      : 'is a console short id or unofficial alias and is not accepted as an API model';
    return { ok: false, message: `Model \`${requested}\` ${why}; use \`${instead}\`.` };
  }
  if (/^doubao-/i.test(requested)) {
    const suggestion = requested.toLowerCase().replace(/^doubao-/, 'dreamina-');
    const use = BY_NAME.has(suggestion) ? suggestion : 'dreamina-seedance-2-0';
    return { ok: false, message: `Model \`${requested}\` is a domestic Doubao model name and is not served here; use \`${use}\`.` };
  }
  return { ok: false, message: `Model \`${requested}\` is not supported. Use one of: ${STABLE_MODEL_NAMES.join(', ')}.` };
}

/** Normalises a stable name or official alias to the stable name; undefined for anything else. */
export function stableNameOf(requested: string): string | undefined {
  const r = resolveModelName(requested);
  return r.ok ? r.model.name : undefined;
}

export function modelSpec(stableName: string): ModelSpec | undefined {
  return BY_NAME.get(stableName);
}

/** Official upstream ids of the normal (filtered) models: a Filter-Off mapping may never point at one. */
export function officialNormalUpstreamIds(): string[] {
  return MODELS.filter((m) => !m.filterOff && m.officialUpstream).map((m) => m.officialUpstream as string);
}

export interface CapabilityRequest {
  resolution?: string;
  serviceTier?: string;
  draft?: boolean;
  hasAudioReference: boolean;
}

export interface CapabilityViolation {
  param: string;
  message: string;
}

/** What a model refuses before any upstream call (docs/contract.md §2: resolutions; mini: audio, flex, draft). */
export function capabilityViolation(model: ModelSpec, req: CapabilityRequest): CapabilityViolation | undefined {
  if (req.resolution !== undefined && !model.resolutions.includes(req.resolution as Resolution)) {
    const only = model.resolutions.join(' / ');
    return {
      param: 'resolution',
      message: `Model \`${model.name}\` supports resolution ${only} only; 1080p and 4k need \`dreamina-seedance-2-0\`.`,
    };
  }
  if (!model.audioReference && req.hasAudioReference) {
    return { param: 'content', message: `Model \`${model.name}\` does not support audio reference input.` };
  }
  if (!model.flexTier && req.serviceTier === 'flex') {
    return { param: 'service_tier', message: `Model \`${model.name}\` does not support service_tier=flex.` };
  }
  if (!model.draft && req.draft === true) {
    return { param: 'draft', message: `Model \`${model.name}\` does not support draft=true.` };
  }
  return undefined;
}
