import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { withViewer } from '../../server/db/viewer-transaction';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { startTestServer } from '../helpers/server';
import { graphql, ok } from '../helpers/graphql';
import { ops } from '../helpers/operations';
import { useDesk } from '../helpers/support-api';
import { download, upload, uploaded, zipOf } from '../helpers/uploads';

const desk = useDesk();

const png = () =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
const text = (s: string) => Buffer.from(s);

async function storedFiles() {
  return readdir(path.join(desk.server.dataDir, 'attachments')).catch(() => [] as string[]);
}
const uploadsInTmp = async () => readdir(path.join(desk.server.dataDir, 'uploads')).catch(() => [] as string[]);
const rows = (id: string) => desk.server.sql('SELECT * FROM attachments WHERE id = $1', [id]);

/** A ticket of `owner` whose first message carries the given uploads. */
async function ticketWith(owner: SignedIn, attachmentIds: string[]) {
  return (
    await ok(
      desk.server,
      ops.createTicket,
      { input: { subject: 'See the screenshot', category: 'TECHNICAL', message: 'Attached', attachmentIds } },
      owner.token,
    )
  ).createTicket;
}
async function attachmentsOf(token: string, ticketId: string) {
  const { supportTicket } = await ok(desk.server, ops.ticketAttachments, { id: ticketId }, token);
  return supportTicket!.replies.flatMap((reply) => reply.attachments);
}

describe('POST /uploads', () => {
  it('stores an allowed file and answers 201 with its id, name, size and sniffed type', async () => {
    const bytes = text('line one\nline two\n');
    const answer = await upload(desk.server, desk.customer.token, { name: 'server.log', bytes, type: 'application/x-anything' });
    expect(answer).toEqual({
      status: 201,
      body: { id: expect.any(String), name: 'server.log', size: bytes.length, contentType: 'text/plain' },
    });
    expect(await rows(answer.body.id!)).toEqual([expect.objectContaining({ uploader_id: desk.customer.id, reply_id: null })]);
  });

  it('accepts PDF, ZIP and CSV by their bytes', async () => {
    const pdf = await upload(desk.server, desk.customer.token, { name: 'invoice.pdf', bytes: text('%PDF-1.4\n%\xe2\xe3\n1 0 obj\n') });
    const zip = await upload(desk.server, desk.customer.token, { name: 'logs.zip', bytes: zipOf('a.txt', text('hello')) });
    const csv = await upload(desk.server, desk.customer.token, { name: 'hours.csv', bytes: text('name;hours\nAnna;38\n') });
    expect([pdf.body.contentType, zip.body.contentType, csv.body.contentType]).toEqual(['application/pdf', 'application/zip', 'text/csv']);
  });

  it('refuses an upload without the preflight header (a cross-site form) and stores nothing', async () => {
    const before = await storedFiles();
    const answer = await upload(desk.server, desk.customer.token, { name: 'a.txt', bytes: text('hi') }, { preflight: false });
    expect(answer.status).toBe(400);
    expect(answer.body.errors![0].message).toMatch(/Apollo-Require-Preflight/);
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses anonymous uploads', async () => {
    expect((await upload(desk.server, undefined, { name: 'a.txt', bytes: text('hi') })).status).toBe(401);
  });

  it('refuses a part not named file', async () => {
    const answer = await upload(desk.server, desk.customer.token, { name: 'a.txt', bytes: text('hi') }, { field: 'upload' });
    expect(answer.status).toBe(400);
  });

  it.each([
    [
      'an HTML page renamed .png',
      'cat.png',
      text('<!DOCTYPE html><html><script>alert(document.cookie)</script></html>'),
      'an HTML document',
    ],
    ['an SVG with a script', 'logo.svg', text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'an SVG image'],
    [
      'an SVG behind an XML declaration',
      'logo.png',
      text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
      'an SVG image',
    ],
    ['a Windows program', 'invoice.pdf', Buffer.concat([text('MZ'), Buffer.alloc(200)]), 'a Windows program'],
    ['a shell script', 'notes.txt', text('#!/bin/sh\nrm -rf /\n'), 'a shell script'],
    ['unknown binary bytes', 'data.bin', Buffer.from([1, 2, 3, 0, 255, 254, 0, 7]), 'of a type that is not allowed'],
  ])('refuses %s with 415 and a clear message naming the file', async (_case, name, bytes, described) => {
    const before = await storedFiles();
    const answer = await upload(desk.server, desk.customer.token, { name, bytes });
    expect(answer.status).toBe(415);
    expect(answer.body.errors).toEqual([
      { message: `${name} is ${described}, which cannot be attached`, extensions: { code: 'BAD_USER_INPUT', field: 'file' } },
    ]);
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses a 26 MB file with 413 naming its size and the limit, keeping nothing', async () => {
    const before = await storedFiles();
    const answer = await upload(desk.server, desk.customer.token, {
      name: 'huge.pdf',
      bytes: Buffer.concat([text('%PDF-1.4\n'), Buffer.alloc(26 * 1024 * 1024)]),
    });
    expect(answer.status).toBe(413);
    expect(answer.body.errors).toEqual([
      { message: 'huge.pdf is 26 MB; the limit is 25 MB', extensions: { code: 'BAD_USER_INPUT', field: 'file' } },
    ]);
    expect(await storedFiles()).toEqual(before);
    expect(await uploadsInTmp()).toEqual([]);
  });

  it('cuts off a body that goes on far past the limit, keeping nothing', async () => {
    const small = await startTestServer({ env: { ATTACHMENT_MAX_MB: '1' } });
    try {
      const token = (await signedInUser(small, 'customer', 'Acme')).token;
      const answer = await upload(small, token, {
        name: 'endless.pdf',
        bytes: Buffer.concat([text('%PDF-1.4\n'), Buffer.alloc(8 * 1024 * 1024)]),
      }).catch((error: Error) => error);
      // The connection is closed under the client: fetch fails rather than reading a 413 at the end.
      expect(answer).toMatchObject({ message: 'fetch failed' });
      expect(await small.sql('SELECT count(*)::int AS n FROM attachments')).toEqual([{ n: 0 }]);
      expect(await readdir(path.join(small.dataDir, 'attachments')).catch(() => [])).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('keeps nothing of an upload cut off half way', async () => {
    const [{ n: rowsBefore }] = await desk.server.sql('SELECT count(*)::int AS n FROM attachments');
    const before = await storedFiles();
    const boundary = 'cutoff';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`;
    const { port } = new URL(desk.server.origin);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${desk.customer.token}\r\nApollo-Require-Preflight: true\r\n` +
            `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n${head}`,
        );
        socket.write(Buffer.alloc(512 * 1024), () => setTimeout(() => socket.destroy(), 200));
      });
      socket.on('close', () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await uploadsInTmp()).toEqual([]);
    expect(await storedFiles()).toEqual(before);
    expect(await desk.server.sql('SELECT count(*)::int AS n FROM attachments')).toEqual([{ n: rowsBefore }]);
  });

  it.each([
    ['a path', '../../etc/passwd', 'passwd'],
    ['a Windows path', 'C:\\Users\\anna\\Desktop\\report.txt', 'report.txt'],
    ['control characters', 'tab\there\u0085.txt', 'tabhere.txt'],
    ['a right-to-left override', 'invoice\u202Etxt.exe', 'invoicetxt.exe'],
    ['direction isolates', 'isolate\u2066d\u2069.txt', 'isolated.txt'],
    ['a leading dot', '.hidden', 'hidden'],
    ['1,000 characters', `${'a'.repeat(1000)}.txt`, `${'a'.repeat(251)}.txt`],
  ])('neutralises a file name with %s', async (_case, raw, stored) => {
    const answer = await upload(desk.server, desk.customer.token, { name: raw, bytes: text('some text') });
    expect(answer.status).toBe(201);
    expect(answer.body.name).toBe(stored);
    expect((await rows(answer.body.id!))[0].name).toBe(stored);
  });

  it('refuses a part header with raw control characters in the file name as malformed', async () => {
    const answer = await upload(desk.server, desk.customer.token, { name: 'bell\u0007esc\u001b.txt', bytes: text('x') });
    expect(answer.status).toBe(400);
    expect(answer.body.errors![0]).toMatchObject({ message: expect.stringMatching(/not well-formed/), extensions: { field: 'file' } });
  });

  it('stores every byte of files uploaded at once and reads them back whole', async () => {
    const files = Array.from({ length: 30 }, (_, i) => ({ name: `log-${i}.txt`, bytes: text(`line ${i}\n`.repeat(i + 1)) }));
    const ids = await Promise.all(files.map((file) => uploaded(desk.server, desk.customer.token, file)));
    const ticket = await ticketWith(desk.customer, ids.slice(0, 10));
    const served = await Promise.all(
      (await attachmentsOf(desk.customer.token, ticket.id)).map(async (a) => [
        a.name,
        await (await download(desk.server, a.url, desk.customer.token)).text(),
      ]),
    );
    expect(Object.fromEntries(served)).toEqual(Object.fromEntries(files.slice(0, 10).map((file) => [file.name, file.bytes.toString()])));
    for (const [i, id] of ids.entries()) {
      expect(await readFile(path.join(desk.server.dataDir, 'attachments', id), 'utf8')).toBe(files[i].bytes.toString());
    }
  });

  it('stores a zip bomb as it is, never unpacking it', async () => {
    const bomb = zipOf('zeros.bin', Buffer.alloc(200 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const answer = await upload(desk.server, desk.customer.token, { name: 'bomb.zip', bytes: bomb });
    expect(answer.body).toMatchObject({ contentType: 'application/zip', size: bomb.length });
  });
});

describe('images', () => {
  it('re-encodes a JPEG without its EXIF (GPS location) and makes a WebP thumbnail', async () => {
    const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#884422' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Phone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 22/1 0/1' } })
      .toBuffer();
    // The GPS IFD pointer (tag 0x8825) is in the original's EXIF.
    expect((await sharp(photo).metadata()).exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true);
    const id = await uploaded(desk.server, desk.customer.token, { name: 'IMG_0001.jpg', bytes: photo });
    const ticket = await ticketWith(desk.customer, [id]);
    const [attachment] = await attachmentsOf(desk.customer.token, ticket.id);
    expect(attachment).toMatchObject({ contentType: 'image/jpeg', thumbnailUrl: `/thumbnails/${id}` });

    const served = Buffer.from(await (await download(desk.server, attachment.url, desk.customer.token)).arrayBuffer());
    const metadata = await sharp(served).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 1600, height: 1200 });
    expect(metadata.exif).toBeUndefined();
    expect(attachment.size).toBe(served.length);

    const thumbnail = await download(desk.server, attachment.thumbnailUrl!, desk.customer.token);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expect(await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 320, height: 240 });
  });

  it('leaves behind what a polyglot appended to an image', async () => {
    const polyglot = Buffer.concat([await png(), text('<html><script>alert(document.domain)</script></html>')]);
    const id = await uploaded(desk.server, desk.customer.token, { name: 'shot.png', bytes: polyglot });
    const ticket = await ticketWith(desk.customer, [id]);
    const [attachment] = await attachmentsOf(desk.customer.token, ticket.id);
    const served = Buffer.from(await (await download(desk.server, attachment.url, desk.customer.token)).arrayBuffer());
    expect(served.includes('<script')).toBe(false);
    expect((await sharp(served).metadata()).format).toBe('png');
  });

  it('refuses bytes that start like an image but are not one', async () => {
    const broken = Buffer.concat([(await png()).subarray(0, 64), Buffer.alloc(100, 7)]);
    const answer = await upload(desk.server, desk.customer.token, { name: 'broken.png', bytes: broken });
    expect(answer.status).toBe(415);
    expect(answer.body.errors![0].message).toBe('broken.png is not an image that can be read, so it cannot be attached');
  });
});

describe('attachmentIds', () => {
  it('attaches uploads to a new ticket and to a reply, in the same transaction', async () => {
    const first = await uploaded(desk.server, desk.customer.token, { name: 'one.txt', bytes: text('1') });
    const ticket = await ticketWith(desk.customer, [first]);
    const second = await uploaded(desk.server, desk.admin.token, { name: 'answer.png', bytes: await png() });
    const { replyToTicket } = await ok(
      desk.server,
      ops.replyWithAttachments,
      { input: { ticketId: ticket.id, message: 'See this', attachmentIds: [second] } },
      desk.admin.token,
    );
    expect(replyToTicket.attachments.map((a) => a.name)).toEqual(['answer.png']);
    expect((await attachmentsOf(desk.customer.token, ticket.id)).map((a) => a.id)).toEqual([first, second]);
  });

  const refusedWith = async (token: string, attachmentIds: string[], message: RegExp) => {
    const ticket = await desk.createTicket(desk.customer.token);
    const result = await graphql(
      desk.server,
      ops.replyToTicket,
      { input: { ticketId: ticket.id, message: 'with files', attachmentIds } },
      token,
    );
    expect(result.errors?.[0]).toMatchObject({
      message: expect.stringMatching(message),
      extensions: { code: 'BAD_USER_INPUT', field: 'attachmentIds' },
    });
    // Nothing changed: no reply was stored and the uploads are still unattached.
    expect(await desk.server.sql('SELECT count(*)::int AS n FROM support_replies WHERE ticket_id = $1', [ticket.id])).toEqual([{ n: 1 }]);
    return ticket;
  };

  it('refuses 11 files on one message', async () => {
    const ids = await Promise.all(
      Array.from({ length: 11 }, (_, i) => uploaded(desk.server, desk.customer.token, { name: `${i}.txt`, bytes: text(`${i}`) })),
    );
    await refusedWith(desk.customer.token, ids, /at most 10/);
    expect(await desk.server.sql('SELECT count(*)::int AS n FROM attachments WHERE id = ANY($1) AND reply_id IS NULL', [ids])).toEqual([
      { n: 11 },
    ]);
  });

  it("refuses someone else's upload", async () => {
    const theirs = await uploaded(desk.server, desk.otherCustomer.token, { name: 'theirs.txt', bytes: text('x') });
    await refusedWith(desk.customer.token, [theirs], /your own uploads/);
    expect((await rows(theirs))[0].reply_id).toBeNull();
  });

  it('refuses an upload already attached, one named twice, and ids that are not ids', async () => {
    const id = await uploaded(desk.server, desk.customer.token, { name: 'once.txt', bytes: text('x') });
    await ticketWith(desk.customer, [id]);
    await refusedWith(desk.customer.token, [id], /your own uploads/);
    const fresh = await uploaded(desk.server, desk.customer.token, { name: 'twice.txt', bytes: text('x') });
    await refusedWith(desk.customer.token, [fresh, fresh], /more than once/);
    await refusedWith(desk.customer.token, ['not-an-id'], /your own uploads/);
  });
});

describe('downloads', () => {
  let file: { url: string; id: string };
  let image: { url: string; thumbnailUrl: string };
  let unattached: string;

  beforeAll(async () => {
    const textId = await uploaded(desk.server, desk.customer.token, { name: 'notes «v2».txt', bytes: text('private notes') });
    const imageId = await uploaded(desk.server, desk.customer.token, { name: 'screen.png', bytes: await png() });
    const ticket = await ticketWith(desk.customer, [textId, imageId]);
    const [t, i] = await attachmentsOf(desk.customer.token, ticket.id);
    file = t;
    image = { url: i.url, thumbnailUrl: i.thumbnailUrl! };
    unattached = `/attachments/${await uploaded(desk.server, desk.customer.token, { name: 'draft.txt', bytes: text('draft') })}/draft.txt`;
  });

  it('serves the owner and the Lex team, and answers 404 to another customer and to the signed out', async () => {
    const statusFor = async (url: string, token?: string) => (await download(desk.server, url, token)).status;
    for (const url of [file.url, image.url, image.thumbnailUrl]) {
      expect([
        await statusFor(url, desk.customer.token),
        await statusFor(url, desk.admin.token),
        await statusFor(url, desk.otherCustomer.token),
        await statusFor(url),
      ]).toEqual([200, 200, 404, 404]);
    }
    // An upload not yet attached is its uploader's alone.
    expect([
      await statusFor(unattached, desk.customer.token),
      await statusFor(unattached, desk.admin.token),
      await statusFor(unattached, desk.otherCustomer.token),
    ]).toEqual([200, 404, 404]);
  });

  it('answers 404 alike for guessed and malformed ids', async () => {
    for (const url of [
      '/attachments/00000000-0000-4000-8000-000000000000/x.txt',
      '/attachments/nope/x.txt',
      '/thumbnails/00000000-0000-4000-8000-000000000000',
      '/thumbnails/nope',
    ]) {
      const response = await download(desk.server, url, desk.customer.token);
      expect([response.status, await response.json()]).toEqual([
        404,
        { errors: [{ message: 'Attachment not found', extensions: { code: 'NOT_FOUND' } }] },
      ]);
    }
  });

  it('serves a file named "thumbnail" as itself, and an image of that name apart from its thumbnail', async () => {
    const textId = await uploaded(desk.server, desk.customer.token, { name: 'thumbnail', bytes: text('not a picture') });
    const imageId = await uploaded(desk.server, desk.customer.token, { name: 'thumbnail', bytes: await png() });
    const ticket = await ticketWith(desk.customer, [textId, imageId]);
    const [t, i] = await attachmentsOf(desk.customer.token, ticket.id);
    expect([t.url, i.url]).toEqual([`/attachments/${textId}/thumbnail`, `/attachments/${imageId}/thumbnail`]);
    expect(await (await download(desk.server, t.url, desk.customer.token)).text()).toBe('not a picture');
    const original = Buffer.from(await (await download(desk.server, i.url, desk.customer.token)).arrayBuffer());
    expect(await sharp(original).metadata()).toMatchObject({ format: 'png', width: 800 });
    const preview = Buffer.from(await (await download(desk.server, i.thumbnailUrl!, desk.customer.token)).arrayBuffer());
    expect(await sharp(preview).metadata()).toMatchObject({ format: 'webp', width: 320 });
  });

  it('sends other files as downloads and images inline, never to be sniffed or run', async () => {
    const other = await download(desk.server, file.url, desk.customer.token);
    expect(
      Object.fromEntries(
        ['content-type', 'content-disposition', 'x-content-type-options', 'content-security-policy'].map((h) => [h, other.headers.get(h)]),
      ),
    ).toEqual({
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="notes _v2_.txt"; filename*=UTF-8''notes%20%C2%ABv2%C2%BB.txt`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
    });
    expect(await other.text()).toBe('private notes');
    const inline = await download(desk.server, image.url, desk.customer.token);
    expect([inline.headers.get('content-type'), inline.headers.get('content-disposition')]).toEqual([
      'image/png',
      `inline; filename="screen.png"; filename*=UTF-8''screen.png`,
    ]);
  });
});

describe('row-level security', () => {
  const as = (user: SignedIn) => ({ sessionKey: createHash('sha256').update(user.token).digest('hex') });

  it("hides another customer's files from a forged query and refuses forged attaching", async () => {
    const id = await uploaded(desk.server, desk.customer.token, { name: 'secret.txt', bytes: text('secret') });
    const ticket = await ticketWith(desk.customer, [id]);
    const theirs = await uploaded(desk.server, desk.otherCustomer.token, { name: 'mine.txt', bytes: text('x') });
    const seen = (user: SignedIn) =>
      withViewer(desk.server.db, as(user), (m) => m.query('SELECT id FROM attachments WHERE id = ANY($1)', [[id, theirs]]));
    expect(await seen(desk.otherCustomer)).toEqual([{ id: theirs }]);
    expect(await seen(desk.admin)).toEqual([{ id }]);
    const [reply] = await desk.server.sql('SELECT id FROM support_replies WHERE ticket_id = $1', [ticket.id]);
    // The stranger cannot move their upload onto a reply they cannot see, nor take the customer's.
    await expect(
      withViewer(desk.server.db, as(desk.otherCustomer), (m) =>
        m.query('UPDATE attachments SET reply_id = $1 WHERE id = $2', [reply.id, theirs]),
      ),
    ).rejects.toThrow(/row-level security/);
    const [, updated] = await withViewer(desk.server.db, as(desk.otherCustomer), (m) =>
      m.query('UPDATE attachments SET reply_id = NULL WHERE id = $1', [id]),
    );
    expect(updated).toBe(0);
  });
});
