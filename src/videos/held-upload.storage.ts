/**
 * The multer storage of `/v1/videos` uploads (docs/contract.md §10): an accepted image's bytes go to the parser's worker
 * as they arrive and come back as the file's data URI, held as bytes from a megabyte of base64 on
 * (libs/byteplus/src/held-strings.ts) until the create is answered. Multer's memory storage joined the file into one
 * buffer on the event loop (100–150 ms for 29 MB here, in one step) before it was encoded there too. A file of a type
 * not accepted is read and dropped; `translateCreate` refuses it by its type.
 */
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { JsonParser, releaseOnceAnswered } from '../common/http/json-parser';
import { INPUT_IMAGE_TYPES, type UploadedImage } from './video-request';

/** What the storage sets on `req.file` besides multer's own fields. */
type StoredUpload = Pick<UploadedImage, 'buffer' | 'dataUri'> & { size: number; release?: () => void };

/** The file multer hands a storage engine (multer's StorageEngine interface). */
interface IncomingFile {
  mimetype: string;
  stream: Readable;
}

export class HeldUploadStorage {
  constructor(private readonly parser: JsonParser) {}

  _handleFile(req: Request, file: IncomingFile, callback: (error: unknown, info?: StoredUpload) => void): void {
    const type = file.mimetype.toLowerCase();
    if (!INPUT_IMAGE_TYPES.includes(type)) {
      let size = 0;
      file.stream.on('data', (chunk: Buffer) => (size += chunk.length));
      file.stream.once('end', () => callback(null, { buffer: Buffer.alloc(0), size }));
      file.stream.once('error', callback);
      return;
    }
    this.parser.dataUriOf(type, file.stream).then(
      ({ value, size, release }) => {
        // Released once the create is answered (or at once by _removeFile when multer gives up on the request).
        if (req.res) releaseOnceAnswered(req.res, release);
        callback(null, { buffer: Buffer.alloc(0), dataUri: size === 0 ? undefined : value, size, release });
      },
      (err: unknown) => callback(err),
    );
  }

  _removeFile(_req: Request, file: Partial<StoredUpload>, callback: (error: Error | null) => void): void {
    file.release?.();
    delete file.dataUri;
    callback(null);
  }
}
