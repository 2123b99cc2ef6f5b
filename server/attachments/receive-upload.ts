import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArrivedFile, UploadRefused } from './attachments.service';
import { describeSize, sanitiseFileName } from './file-name';
import { SNIFF_BYTES } from './file-kind';

/** An upload received whole into a temporary file; `discard` removes it. */
export interface ReceivedUpload extends ArrivedFile {
  size: number;
  discard(): Promise<void>;
}

/**
 * A file that arrived whole in memory (a part of a mail, at most 10 MB with the whole mail), put
 * where uploads arrive so that it is checked and stored exactly as an upload is.
 */
export async function receiveBytes(
  bytes: Buffer,
  rawName: string | undefined,
  maxBytes: number,
  receivingDir: string,
): Promise<ReceivedUpload> {
  const name = sanitiseFileName(rawName);
  if (bytes.length > maxBytes)
    throw new UploadRefused(413, `${name} is ${describeSize(bytes.length)}; the limit is ${describeSize(maxBytes)}`, 'size');
  await mkdir(receivingDir, { recursive: true });
  const target = path.join(receivingDir, randomUUID());
  const discard = () => rm(target, { force: true });
  try {
    await writeFile(target, bytes, { flag: 'wx' });
  } catch (error) {
    await discard();
    throw error;
  }
  return { path: target, name, size: bytes.length, head: bytes.subarray(0, SNIFF_BYTES), discard };
}

/** Keeps the first `SNIFF_BYTES` bytes that pass through. */
function headTap() {
  const chunks: Buffer[] = [];
  let kept = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (kept < SNIFF_BYTES) {
        chunks.push(chunk.subarray(0, SNIFF_BYTES - kept));
        kept += Math.min(chunk.length, SNIFF_BYTES - kept);
      }
      done(null, chunk);
    },
  });
  return { tap, head: () => Buffer.concat(chunks) };
}

/**
 * Streams the one part named `file` of a multipart body to a file in `receivingDir` (never holding it in
 * memory), stopping at `maxBytes`. A body cut off half way leaves nothing behind.
 */
export function receiveUpload(request: IncomingMessage, maxBytes: number, receivingDir: string): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxBytes, fields: 0 } });
    } catch {
      return reject(new UploadRefused(400, 'The body must be multipart/form-data with one part named file'));
    }
    let current: Readable | undefined;
    let received: Promise<ReceivedUpload> | undefined;
    let refusal: UploadRefused | undefined;
    const refuse = (error: UploadRefused) => (refusal ??= error);

    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || received) {
        refuse(new UploadRefused(400, 'Send one part named file'));
        return stream.resume();
      }
      current = stream;
      const name = sanitiseFileName(info.filename);
      mkdirSync(receivingDir, { recursive: true });
      const target = path.join(receivingDir, randomUUID());
      const { tap, head } = headTap();
      let size = 0;
      stream.on('data', (chunk: Buffer) => (size += chunk.length));
      const discard = () => rm(target, { force: true });
      received = pipeline(stream, tap, createWriteStream(target, { flags: 'wx' })).then(
        async () => {
          if ((stream as Readable & { truncated?: boolean }).truncated) {
            await discard();
            const declared = Number(request.headers['content-length']);
            const told = declared > maxBytes ? `is ${describeSize(declared)}` : 'is larger than that';
            throw new UploadRefused(413, `${name} ${told}; the limit is ${describeSize(maxBytes)}`, 'size');
          }
          return { path: target, name, size, head: head(), discard };
        },
        async (error) => {
          await discard();
          throw error;
        },
      );
      // Settled here too, so a refusal before 'close' never goes unhandled.
      received.catch(() => undefined);
    });
    parser.on('filesLimit', () => refuse(new UploadRefused(400, 'Send one file per upload')));
    parser.on('fieldsLimit', () => refuse(new UploadRefused(400, 'Send one part named file')));
    parser.on('close', () => {
      if (!received) return reject(refusal ?? new UploadRefused(400, 'Send one part named file'));
      received.then(
        async (upload) => {
          if (!refusal) return resolve(upload);
          await upload.discard();
          reject(refusal);
        },
        (error) =>
          reject(refusal ?? (error instanceof UploadRefused ? error : new UploadRefused(400, 'The upload was cut off before its end'))),
      );
    });
    parser.on('error', (error) => {
      // Busboy refuses part headers with raw control characters (a file name with a bell in it) itself.
      const cutOff =
        error instanceof UploadRefused
          ? error
          : new UploadRefused(400, 'The upload is not well-formed multipart/form-data (are there control characters in the file name?)');
      current?.destroy(cutOff);
      if (!received) reject(cutOff);
      else
        received.then(
          (upload) => upload.discard().then(() => reject(cutOff)),
          () => reject(cutOff),
        );
    });
    // Past the limit busboy reads the rest of the body unkept, so that the client gets its 413; a body
    // far past it (a client that never stops) is cut off instead.
    let bodyBytes = 0;
    request.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > 2 * maxBytes + 1024 * 1024) request.destroy();
    });
    // A client that goes away half way: the file being written is abandoned and removed.
    request.on('close', () => {
      if (!request.complete) parser.destroy(new UploadRefused(400, 'The upload was cut off before its end'));
    });
    request.pipe(parser);
  });
}
