/**
 * Uploads under load, against `node dist/server/main.js` in a child process:
 *   npm run bench:uploads [-- --concurrent 10 --mb 25 --thumbnails 200]
 * The server's RSS growth while `concurrent` files of `mb` MB upload at once (target: < 50 MB),
 * the upload throughput, and the time to first byte of a thumbnail (p50/p95). Needs PostgreSQL at
 * BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres). Writes bench/results/uploads.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import sharp from 'sharp';
import { UsersService } from '../server/accounts/users.service';
import { openDatabases } from '../server/db/data-source';
import { LOGIN, ops } from '../tests/helpers/operations';
import { adminQuery, gql, log, option } from './common';
import { Server } from './lib/server-child';
import { percentile } from './lib/stats';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'lex_bench_uploads';
const concurrent = option('concurrent', 10);
const mb = option('mb', 25);
const thumbnails = option('thumbnails', 200);

const admin = (sql: string) => adminQuery(ADMIN_URL, sql);

async function upload(origin: string, token: string, name: string, bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const response = await fetch(`${origin}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    body: form,
  });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id) throw new Error(`upload of ${name} answered ${response.status}: ${JSON.stringify(body)}`);
  return body.id;
}

async function main() {
  await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DATABASE}`);
  const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${DATABASE}`);
  const db = await openDatabases(databaseUrl, { poolSize: 1 });
  await new UsersService(db.system).add({
    email: 'bench@uploads.example',
    name: 'Bench',
    password: 'bench-password',
    role: 'customer',
    tenant: 'Bench',
  });
  await db.destroy();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lex-bench-uploads-'));
  const server = await Server.start(databaseUrl, { DATA_DIR: dataDir, ATTACHMENT_MAX_MB: String(mb) });
  const origin = new URL(server.url).origin;
  try {
    const { login } = await gql(server.url, LOGIN, { email: 'bench@uploads.example', password: 'bench-password' });
    const token = login.token;
    // Warm up: the first upload loads busboy, file-type and the storage path.
    await upload(origin, token, 'warm.txt', Buffer.from('warm up'));
    const file = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(mb * 1024 * 1024 - 64 * 1024, 0x20)]);

    const before = (await server.memory()).rss;
    let peak = before;
    const sampler = setInterval(() => void server.memory().then((m) => (peak = Math.max(peak, m.rss))), 25);
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrent }, (_, i) => upload(origin, token, `big-${i}.pdf`, file)));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, (await server.memory()).rss);
    const rssGrowthMb = (peak - before) / (1024 * 1024);
    const throughputMbPerS = (concurrent * file.length) / (1024 * 1024) / seconds;

    const image = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
    const imageId = await upload(origin, token, 'screen.png', image);
    await gql(
      server.url,
      ops.createTicket,
      { input: { subject: 'Bench', category: 'TECHNICAL', message: 'Thumbnails', attachmentIds: [imageId] } },
      token,
    );
    const ttfb: number[] = [];
    for (let i = 0; i < thumbnails; i++) {
      const t0 = performance.now();
      const response = await fetch(`${origin}/thumbnails/${imageId}`, { headers: { authorization: `Bearer ${token}` } });
      ttfb.push(performance.now() - t0);
      if (response.status !== 200) throw new Error(`thumbnail answered ${response.status}`);
      await response.arrayBuffer();
    }
    const results = {
      concurrent,
      fileMb: Number((file.length / (1024 * 1024)).toFixed(1)),
      seconds: Number(seconds.toFixed(2)),
      throughputMbPerS: Number(throughputMbPerS.toFixed(1)),
      rssBeforeMb: Math.round(before / (1024 * 1024)),
      rssPeakMb: Math.round(peak / (1024 * 1024)),
      rssGrowthMb: Number(rssGrowthMb.toFixed(1)),
      thumbnailTtfbMs: { p50: Number(percentile(ttfb, 50).toFixed(2)), p95: Number(percentile(ttfb, 95).toFixed(2)) },
    };
    log(JSON.stringify(results, null, 2));
    log(
      `RSS growth ${results.rssGrowthMb} MB for ${concurrent} × ${results.fileMb} MB: ${rssGrowthMb < 50 ? 'within' : 'OVER'} the 50 MB target`,
    );
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/uploads.json', `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
