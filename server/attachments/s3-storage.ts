import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import type { StorageConfig } from '../config';
import type { AttachmentStorage } from './storage';

/**
 * A bucket of any S3-compatible store (AWS, MinIO, R2): the storage for several instances.
 * Credentials come from the SDK's usual sources (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, roles).
 */
export class S3Storage implements AttachmentStorage {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(config: Extract<StorageConfig, { kind: 's3' }>) {
    this.bucket = config.bucket;
    this.client = new S3Client({ endpoint: config.endpoint, region: config.region, forcePathStyle: config.forcePathStyle });
  }

  async put(key: string, body: Readable): Promise<void> {
    // Multipart in parts of 5 MB, one at a time: memory stays small whatever the file's size, and a
    // failed upload is aborted (nothing left under the key).
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body },
      queueSize: 1,
      partSize: 5 * 1024 * 1024,
    }).done();
  }

  async get(key: string): Promise<Readable | null> {
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Body as Readable;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Closes the client's keep-alive sockets, which would otherwise hold the process open. */
  close(): void {
    this.client.destroy();
  }
}
