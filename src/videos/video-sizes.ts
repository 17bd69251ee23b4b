/**
 * The `size` of the OpenAI Videos shape mapped to Seedance's resolution and ratio: only the exact output pixel
 * sizes of the Seedance table, and only the resolutions the model offers (1080p and 4k on the standard family).
 * Nothing is rounded or guessed: any other size is refused with the list of the model's sizes.
 */
import { OUTPUT_RATIOS, outputSize, type OutputRatio } from '@arkgate/byteplus';
import type { ModelSpec, Resolution } from '../catalog/catalog-rules';

export const DEFAULT_SIZE = '1280x720';

export interface SeedanceShape {
  resolution: Resolution;
  ratio: OutputRatio;
}

/** Every `WxH` the model can render, by resolution then ratio (16:9, 4:3, 1:1, 3:4, 9:16, 21:9). */
export function sizesFor(model: Pick<ModelSpec, 'resolutions'>): Map<string, SeedanceShape> {
  const sizes = new Map<string, SeedanceShape>();
  for (const resolution of model.resolutions) {
    for (const ratio of OUTPUT_RATIOS) {
      const { width, height } = outputSize(resolution, ratio);
      sizes.set(`${width}x${height}`, { resolution, ratio });
    }
  }
  return sizes;
}

/** The resolution and ratio of an exact size of the model, or undefined. */
export function shapeOfSize(model: Pick<ModelSpec, 'resolutions'>, size: string): SeedanceShape | undefined {
  return sizesFor(model).get(size);
}

/** The size of a resolution and ratio (the inverse, for presenting a task). */
export function sizeOf(resolution: string, ratio: string): string | undefined {
  try {
    const { width, height } = outputSize(resolution, ratio);
    return `${width}x${height}`;
  } catch {
    return undefined;
  }
}
