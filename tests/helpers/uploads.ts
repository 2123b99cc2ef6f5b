import { crc32, deflateRawSync } from 'node:zlib';
import type { TestServer } from './server';

export interface UploadAnswer {
  status: number;
  body: {
    id?: string;
    name?: string;
    size?: number;
    contentType?: string;
    errors?: { message: string; extensions: { code: string; field?: string } }[];
  };
}

/** POST /uploads as the web app sends it: one part named file, the preflight header, a Bearer token. */
export async function upload(
  server: Pick<TestServer, 'origin'>,
  token: string | undefined,
  file: { name: string; bytes: Uint8Array | Buffer; type?: string },
  { preflight = true, field = 'file' } = {},
): Promise<UploadAnswer> {
  const form = new FormData();
  form.append(field, new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name);
  const response = await fetch(`${server.origin}/uploads`, {
    method: 'POST',
    headers: { ...(preflight ? { 'apollo-require-preflight': 'true' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as UploadAnswer['body'] };
}

/** An upload that must succeed: its id. */
export async function uploaded(
  server: Pick<TestServer, 'origin'>,
  token: string,
  file: { name: string; bytes: Uint8Array | Buffer },
): Promise<string> {
  const answer = await upload(server, token, file);
  if (answer.status !== 201) throw new Error(`upload of ${file.name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.id!;
}

/** GET of an attachment URL (relative to the server), with a Bearer token or none. */
export function download(server: Pick<TestServer, 'origin'>, url: string, token?: string) {
  return fetch(`${server.origin}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

/** A ZIP archive of one deflated entry, built by hand so that tests can make one of any shape. */
export function zipOf(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content, { level: 9 });
  const fileName = Buffer.from(name);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const centralAt = local.length + fileName.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
}
