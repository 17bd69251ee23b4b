/**
 * The media files served as task results: a real 1-second 64x36 H.264 MP4 and a 64x36 PNG.
 * Looked up, from this file's folder: beside the sources (`libs/sandbox/assets/`, or
 * `dist/libs/sandbox/assets/` in a build), then where the Nest asset copy may put them
 * (`dist/sandbox/assets/`), then in the source tree next to `dist/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface SandboxAssets {
  video: Buffer;
  lastFrame: Buffer;
}

const candidates = (name: string): string[] => [
  resolve(__dirname, '../assets', name),
  resolve(__dirname, '../../../sandbox/assets', name),
  resolve(__dirname, '../../../../libs/sandbox/assets', name),
];

let cached: SandboxAssets | undefined;

export function loadSandboxAssets(): SandboxAssets {
  cached ??= { video: readAsset('sample.mp4'), lastFrame: readAsset('sample.png') };
  return cached;
}

function readAsset(name: string): Buffer {
  const found = candidates(name).find((path) => existsSync(path));
  if (!found) throw new Error(`Sandbox asset ${name} not found (looked in ${candidates(name).join(', ')})`);
  return readFileSync(found);
}
