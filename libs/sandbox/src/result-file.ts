/**
 * A result file the sandbox serves (the MP4 or the last-frame PNG of a task), readable by byte range, so the
 * files surface can answer `Range` requests like the object storage behind real result URLs, and so a large
 * generated video never has to be held whole in memory.
 */
import { Readable } from 'node:stream';

export interface ResultFile {
  size: number;
  contentType: string;
  /** Bytes `start`..`end` inclusive, as a stream. */
  read(start: number, end: number): Readable;
}

export function bufferFile(bytes: Buffer, contentType: string): ResultFile {
  return { size: bytes.length, contentType, read: (start, end) => Readable.from([bytes.subarray(start, end + 1)]) };
}

const FTYP = Buffer.from([0, 0, 0, 24, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isommp41')]);
const HEADER_BYTES = FTYP.length + 8;
const CHUNK = 64 * 1024;

/**
 * An MP4-like file of exactly `size` bytes, made as it is read: an `ftyp` box, then one `mdat` box whose
 * payload is a fixed function of the byte offset. The same size always gives the same bytes.
 */
export function syntheticMp4(size: number): ResultFile {
  if (!Number.isSafeInteger(size) || size < HEADER_BYTES || size > 0xffffffff) {
    throw new RangeError(`a synthetic MP4 needs ${HEADER_BYTES}..4294967295 bytes, got ${size}`);
  }
  return {
    size,
    contentType: 'video/mp4',
    read(start, end) {
      let next = start;
      return new Readable({
        read() {
          if (next > end) {
            this.push(null);
            return;
          }
          const last = Math.min(end, next + CHUNK - 1);
          this.push(syntheticMp4Bytes(size, next, last));
          next = last + 1;
        },
      });
    },
  };
}

/** Bytes `start`..`end` inclusive of the synthetic MP4 of `size` bytes. */
export function syntheticMp4Bytes(size: number, start: number, end: number): Buffer {
  const header = Buffer.concat([FTYP, Buffer.alloc(8)]);
  header.writeUInt32BE(size - FTYP.length, FTYP.length);
  header.write('mdat', FTYP.length + 4, 'latin1');
  const out = Buffer.allocUnsafe(end - start + 1);
  for (let i = start; i <= end; i++) {
    out[i - start] = i < HEADER_BYTES ? header[i] : (i * 31 + (i >>> 8) * 17 + (i >>> 16) * 7) & 0xff;
  }
  return out;
}

/** A single `bytes=` range of a file of `size` bytes: the span, 'unsatisfiable', or null to serve it whole. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
