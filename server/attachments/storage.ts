import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StorageConfig } from '../config';
import { S3Storage } from './s3-storage';

/** Where the bytes of attachments live; keys are the server's own (never a file name). */
export interface AttachmentStorage {
  /** Stores the whole stream under `key`; on failure nothing is left under it. */
  put(key: string, body: Readable): Promise<void>;
  /** The stored bytes, or null when nothing is stored under `key`. */
  get(key: string): Promise<Readable | null>;
  /** Removes `key`; removing a missing key is no error. */
  delete(key: string): Promise<void>;
  /** Lets go of connections at shutdown (the S3 client's sockets). */
  close(): void;
}

const SAFE_KEY = /^[0-9a-f-]{36}(\.[a-z]+)?$/;

/** Files in one folder (the default, under DATA_DIR): fit for one instance, or several sharing the folder. */
export class DiskStorage implements AttachmentStorage {
  constructor(private readonly dir: string) {}

  private pathOf(key: string) {
    if (!SAFE_KEY.test(key)) throw new Error(`Not a storage key: ${key}`);
    return path.join(this.dir, key);
  }

  async put(key: string, body: Readable): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(this.dir, { recursive: true });
    // Written aside and renamed once whole, so a reader never sees half a file.
    const partial = `${target}.partial`;
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable | null> {
    const stream = createReadStream(this.pathOf(key));
    return new Promise((resolve, reject) => {
      stream.once('open', () => resolve(stream));
      stream.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(null) : reject(error)));
    });
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  close(): void {
    // Files hold nothing open between calls.
  }
}

export function createStorage(config: StorageConfig): AttachmentStorage {
  return config.kind === 'disk' ? new DiskStorage(config.dir) : new S3Storage(config);
}
