import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text as readText } from 'node:stream/consumers';
import S3rver from 's3rver';
import sharp from 'sharp';
import { S3Storage } from '../../server/attachments/s3-storage';
import { signedInUser } from '../helpers/accounts';
import { ok } from '../helpers/graphql';
import { ops } from '../helpers/operations';
import { startTestServer } from '../helpers/server';
import { useDesk } from '../helpers/support-api';
import { download, upload, uploaded } from '../helpers/uploads';

// A real S3-protocol server (s3rver) on port 0, with its own folder; the SDK talks to it over HTTP.
const BUCKET = 'lex-files';
let s3rver: S3rver;
let s3Dir: string;
let endpoint: string;
const options = { env: {} as Record<string, string> };
const client = () => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true });

beforeAll(async () => {
  // s3rver's fixed development credentials; the SDK reads them as it reads real ones.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  s3Dir = await mkdtemp(path.join(tmpdir(), 'lex-s3rver-'));
  s3rver = new S3rver({ port: 0, address: '127.0.0.1', directory: s3Dir, silent: true, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const { port } = await s3rver.run();
  endpoint = `http://127.0.0.1:${port}`;
  options.env.STORAGE_URL = `s3://${BUCKET}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`;
});
const desk = useDesk(options);
afterAll(async () => {
  await s3rver?.close();
  await rm(s3Dir, { recursive: true, force: true });
});

async function keysInBucket(): Promise<string[]> {
  const listed = await client().send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (listed.Contents ?? []).map((object) => object.Key!).sort();
}

describe('S3Storage', () => {
  const storage = () => new S3Storage({ kind: 's3', bucket: BUCKET, endpoint, region: 'us-east-1', forcePathStyle: true });

  it('puts a stream of several parts, gets it back and deletes it', async () => {
    const key = '11111111-1111-4111-8111-111111111111';
    // 12 MB: three parts of the multipart upload.
    const big = Buffer.alloc(12 * 1024 * 1024, 'x');
    await storage().put(key, Readable.from([big.subarray(0, 5_000_000), big.subarray(5_000_000)]));
    const body = await storage().get(key);
    let length = 0;
    for await (const chunk of body!) length += (chunk as Buffer).length;
    expect(length).toBe(big.length);
    await storage().delete(key);
    expect(await storage().get(key)).toBeNull();
  });

  it('answers null for a key never stored, and deleting it is no error', async () => {
    expect(await storage().get('22222222-2222-4222-8222-222222222222')).toBeNull();
    await expect(storage().delete('22222222-2222-4222-8222-222222222222')).resolves.toBeUndefined();
  });
});

describe('attachments on S3', () => {
  it('stores an upload and its thumbnail in the bucket and serves them to the ticket owner', async () => {
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#00aa66' } })
      .png()
      .toBuffer();
    const image = await uploaded(desk.server, desk.customer.token, { name: 'screen.png', bytes: png });
    const log = await uploaded(desk.server, desk.customer.token, { name: 'app.log', bytes: Buffer.from('started\n') });
    expect(await keysInBucket()).toEqual(expect.arrayContaining([image, `${image}.webp`, log]));

    const ticket = (
      await ok(
        desk.server,
        ops.createTicket,
        { input: { subject: 'S3', category: 'TECHNICAL', message: 'Files', attachmentIds: [image, log] } },
        desk.customer.token,
      )
    ).createTicket;
    const { supportTicket } = await ok(desk.server, ops.ticketAttachments, { id: ticket.id }, desk.customer.token);
    const [picture, file] = supportTicket!.replies[0].attachments;
    expect(await (await download(desk.server, file.url, desk.customer.token)).text()).toBe('started\n');
    expect(
      (await sharp(Buffer.from(await (await download(desk.server, picture.thumbnailUrl!, desk.customer.token)).arrayBuffer())).metadata())
        .format,
    ).toBe('webp');
    expect((await download(desk.server, file.url, desk.otherCustomer.token)).status).toBe(404);
  });

  it('leaves nothing in the bucket for a refused upload, and the sweep deletes unattached objects', async () => {
    const before = await keysInBucket();
    expect(
      (await upload(desk.server, desk.customer.token, { name: 'x.svg', bytes: Buffer.from('<svg><script>alert(1)</script></svg>') }))
        .status,
    ).toBe(415);
    expect(await keysInBucket()).toEqual(before);

    const stale = await uploaded(desk.server, desk.customer.token, { name: 'stale.txt', bytes: Buffer.from('old') });
    await desk.server.sql(`UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = $1`, [stale]);
    await desk.server.app.services.attachments.sweepUnattached();
    expect(await keysInBucket()).not.toContain(stale);
    expect(await desk.server.sql('SELECT id FROM attachments WHERE id = $1', [stale])).toEqual([]);
  });
});

it('reads back what it stored as text too', async () => {
  const id = await uploaded(desk.server, desk.customer.token, { name: 'a.txt', bytes: Buffer.from('hello s3') });
  const body = await new S3Storage({ kind: 's3', bucket: BUCKET, endpoint, region: 'us-east-1', forcePathStyle: true }).get(id);
  expect(await readText(body!)).toBe('hello s3');
});

it('lets go of its connections to the store when it shuts down', async () => {
  // A store of its own, so that only this server's connections are counted.
  const dir = await mkdtemp(path.join(tmpdir(), 'lex-s3rver-'));
  const store = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory: dir,
    silent: true,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = await store.run();
  const connections = () =>
    new Promise<number>((resolve, reject) =>
      (store as unknown as { httpServer: import('node:http').Server }).httpServer.getConnections((error, n) =>
        error ? reject(error) : resolve(n),
      ),
    );
  try {
    const server = await startTestServer({
      env: {
        STORAGE_URL: `s3://${BUCKET}?endpoint=${encodeURIComponent(`http://127.0.0.1:${port}`)}&region=us-east-1&forcePathStyle=true`,
      },
    });
    const { token } = await signedInUser(server, 'customer');
    await uploaded(server, token, { name: 'a.txt', bytes: Buffer.from('kept alive') });
    expect(await connections()).toBeGreaterThan(0);
    await server.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await connections()).toBe(0);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
