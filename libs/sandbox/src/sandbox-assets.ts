/**
 * The media files served as task results and as processed assets: a real 1-second 64x36 H.264 MP4, a 64x36 PNG,
 * and (built here) about 2 seconds of silent MP3.
 * Looked up, from this file's folder: beside the sources (`libs/sandbox/assets/`, or
 * `dist/libs/sandbox/assets/` in a build), then where the Nest asset copy may put them
 * (`dist/sandbox/assets/`), then in the source tree next to `dist/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface SandboxAssets {
  video: Buffer;
  lastFrame: Buffer;
  /** Served as audio/mpeg. */
  audio: Buffer;
}

const candidates = (name: string): string[] => [
  resolve(__dirname, '../assets', name),
  resolve(__dirname, '../../../sandbox/assets', name),
  resolve(__dirname, '../../../../libs/sandbox/assets', name),
];

let cached: SandboxAssets | undefined;

export function loadSandboxAssets(): SandboxAssets {
  cached ??= { video: readAsset('sample.mp4'), lastFrame: readAsset('sample.png'), audio: silentMp3(77) };
  return cached;
}

/**
 * `frames` MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono, 1152 samples each) whose side information and
 * data are all zero, which decoders play as silence. 77 frames last about 2 s.
 */
export function silentMp3(frames: number): Buffer {
  const FRAME_BYTES = 417; // floor(144 * 128000 / 44100), no padding
  const frame = Buffer.alloc(FRAME_BYTES);
  frame.set([0xff, 0xfb, 0x90, 0xc0]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

function readAsset(name: string): Buffer {
  const found = candidates(name).find((path) => existsSync(path));
  if (!found) throw new Error(`Sandbox asset ${name} not found (looked in ${candidates(name).join(', ')})`);
  return readFileSync(found);
}
