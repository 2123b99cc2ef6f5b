import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { builtFilePath, preferredEncoding } from '../../server/web/built-files';
import { startTestServer, type TestServer } from '../helpers/server';

describe('preferredEncoding', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['identity', undefined],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['BR;q=0.8, gzip;q=0.9', 'gzip'],
    ['br;q=0.5, gzip;q=0.5', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['gzip;q=nonsense, br;q=0', undefined],
    [' gzip ; q=1 ,deflate', 'gzip'],
  ])('%p → %p', (header, expected) => {
    expect(preferredEncoding(header)).toBe(expected);
  });
});

describe('builtFilePath', () => {
  it.each([
    ['/assets/index-abc.js', 'assets/index-abc.js'],
    ['/favicon.svg', 'favicon.svg'],
    ['/support/123', 'support/123'],
    ['/', undefined],
    ['/assets/../../etc/passwd', undefined],
    ['/%2e%2e/%2e%2e/etc/passwd', undefined],
    ['/assets/%00.js', undefined],
    ['/assets/%E0%A4%A', undefined],
    ['/.env', undefined],
    ['/assets/.hidden.js', undefined],
  ])('%p → %p', (requestPath, expected) => {
    expect(builtFilePath(requestPath)).toBe(expected);
  });
});

/** A raw GET: Node's fetch would decompress and hide what was sent. */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('the built web app, precompressed', () => {
  let server: TestServer;
  let dir: string;
  const script = 'console.log("the web app");'.repeat(100);
  const html = '<!doctype html><title>Lex Support</title><script type="module" src="/assets/index-abc.js"></script>';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lex-built-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), html);
    writeFileSync(path.join(dir, 'index.html.br'), brotliCompressSync(html));
    writeFileSync(path.join(dir, 'assets/index-abc.js'), script);
    writeFileSync(path.join(dir, 'assets/index-abc.js.br'), brotliCompressSync(script));
    writeFileSync(path.join(dir, 'assets/index-abc.js.gz'), gzipSync(script));
    writeFileSync(path.join(dir, 'assets/plain-def.css'), 'body{}');
    writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
    server = await startTestServer({ env: { CLIENT_DIR: dir } });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a hashed file in brotli, else gzip, else as is, cached for a year', async () => {
    const url = `${server.origin}/assets/index-abc.js`;
    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/^text\/javascript/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers.vary).toMatch(/Accept-Encoding/);
    expect(br.body.length).toBeLessThan(script.length / 5);

    const gz = await get(url, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.length).toBeLessThan(script.length / 5);

    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
  });

  it('sends a file without compressed copies as it is', async () => {
    const css = await get(`${server.origin}/assets/plain-def.css`, { 'accept-encoding': 'br' });
    expect(css.status).toBe(200);
    expect(css.headers['content-encoding']).toBeUndefined();
    expect(css.body.toString()).toBe('body{}');
  });

  it('answers a client-side route with index.html, revalidated every time', async () => {
    const page = await get(`${server.origin}/support/123`, { 'accept-encoding': 'br' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-cache');
    const again = await get(`${server.origin}/support/123`, { 'accept-encoding': 'br', 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('keeps unhashed files an hour', async () => {
    const icon = await get(`${server.origin}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('answers a missing hashed file with 404, never with index.html', async () => {
    const missing = await get(`${server.origin}/assets/index-old.js`, { 'accept-encoding': 'br' });
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).not.toContain('<!doctype html>');
  });

  it('never reaches outside the build', async () => {
    for (const p of ['/assets/..%2f..%2fpackage.json', '/%2e%2e/package.json', '/assets/index-abc.js.br/../../../package.json']) {
      const answer = await get(`${server.origin}${p}`);
      expect(answer.body.toString()).not.toContain('"name"');
    }
  });
});
