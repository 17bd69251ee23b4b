/**
 * Output pixel sizes of Seedance 2.0 videos and the token formula BytePlus bills them by.
 *
 * completion_tokens = floor(width × height × (24 × duration + 1) / 1024): the output has
 * 24 frames per second plus one. Checks: 720p 16:9 5 s → 1280×720×121/1024 = 108900;
 * 480p 16:9 4 s → 864×496×97/1024 = 40594.25 → 40594.
 */

export const OUTPUT_RESOLUTIONS = ['480p', '720p', '1080p', '4k'] as const;
export type OutputResolution = (typeof OUTPUT_RESOLUTIONS)[number];

/** Ratios a finished task can report (`adaptive` is resolved to one of these). */
export const OUTPUT_RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9'] as const;
export type OutputRatio = (typeof OUTPUT_RATIOS)[number];

/** Output frames per second of every Seedance 2.0 video. */
export const OUTPUT_FRAMES_PER_SECOND = 24;

export interface OutputSize {
  width: number;
  height: number;
}

const size = (width: number, height: number): OutputSize => Object.freeze({ width, height });

const SIZES: Readonly<Record<OutputResolution, Readonly<Record<OutputRatio, OutputSize>>>> = {
  '480p': {
    '16:9': size(864, 496),
    '4:3': size(752, 560),
    '1:1': size(640, 640),
    '3:4': size(560, 752),
    '9:16': size(496, 864),
    '21:9': size(992, 432),
  },
  '720p': {
    '16:9': size(1280, 720),
    '4:3': size(1112, 834),
    '1:1': size(960, 960),
    '3:4': size(834, 1112),
    '9:16': size(720, 1280),
    '21:9': size(1470, 630),
  },
  '1080p': {
    '16:9': size(1920, 1080),
    '4:3': size(1664, 1248),
    '1:1': size(1440, 1440),
    '3:4': size(1248, 1664),
    '9:16': size(1080, 1920),
    '21:9': size(2206, 946),
  },
  '4k': {
    '16:9': size(3840, 2160),
    '4:3': size(3326, 2494),
    '1:1': size(2880, 2880),
    '3:4': size(2494, 3326),
    '9:16': size(2160, 3840),
    '21:9': size(4398, 1886),
  },
};

export function isOutputResolution(value: unknown): value is OutputResolution {
  return typeof value === 'string' && (OUTPUT_RESOLUTIONS as readonly string[]).includes(value);
}

export function isOutputRatio(value: unknown): value is OutputRatio {
  return typeof value === 'string' && (OUTPUT_RATIOS as readonly string[]).includes(value);
}

/**
 * Width and height of an output video. `adaptive` counts as 16:9, the ratio the upstream
 * reports for it when nothing else decides; use the task's reported ratio once it is known.
 * Throws a RangeError for a resolution or ratio outside the table.
 */
export function outputSize(resolution: string, ratio: string): OutputSize {
  const actualRatio = ratio === 'adaptive' ? '16:9' : ratio;
  if (!isOutputResolution(resolution)) {
    throw new RangeError(`Unknown output resolution "${resolution}"`);
  }
  if (!isOutputRatio(actualRatio)) {
    throw new RangeError(`Unknown output ratio "${ratio}"`);
  }
  return { ...SIZES[resolution][actualRatio] };
}

/** Billable completion tokens of a video of the given size and length (whole seconds). */
export function estimateCompletionTokens(width: number, height: number, durationSeconds: number): number {
  for (const [name, value] of [
    ['width', width],
    ['height', height],
    ['durationSeconds', durationSeconds],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a non-negative finite number, got ${value}`);
    }
  }
  const frames = OUTPUT_FRAMES_PER_SECOND * durationSeconds + 1;
  return Math.floor((width * height * frames) / 1024);
}
