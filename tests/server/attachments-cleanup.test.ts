import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createLogger } from '../../server/logger';
import { signedInUser } from '../helpers/accounts';
import { ok } from '../helpers/graphql';
import { ops } from '../helpers/operations';
import { TestServer, startTestServer } from '../helpers/server';
import { uploaded } from '../helpers/uploads';

// The clean-up of uploads never attached is a recurring job on the queue: one instance runs each
// tick, however many run workers. Ticks fall every ten minutes, so the test makes one due now the
// way a deployment does after every instance was down over a tick: the queue's record of the last
// run is older than the tick, and the workers starting now backfill it.
let dataDir: string;
const servers: TestServer[] = [];
const lines: Array<{ instance: number; msg: string; tick?: string; deleted?: number; job?: string }> = [];

beforeAll(async () => (dataDir = await mkdtemp(path.join(tmpdir(), 'lex-cleanup-'))));
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await rm(dataDir, { recursive: true, force: true });
});

const until = async (check: () => Promise<boolean>, ms = 20_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return;
  throw new Error('timed out');
};

test('two instances with workers run a due clean-up tick once: stale uploads go with their files, attached and fresh ones stay', async () => {
  // The instance people upload to runs no worker; all three share the database and DATA_DIR.
  const front = await startTestServer({ env: { DATA_DIR: dataDir } });
  servers.push(front);
  const customer = await signedInUser(front, 'customer', 'Acme');
  const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
  const stale = await uploaded(front, customer.token, { name: 'stale.png', bytes: png });
  const kept = await uploaded(front, customer.token, { name: 'kept.txt', bytes: Buffer.from('kept') });
  const fresh = await uploaded(front, customer.token, { name: 'fresh.txt', bytes: Buffer.from('fresh') });
  await ok(
    front,
    ops.createTicket,
    { input: { subject: 'Files', category: 'TECHNICAL', message: 'One attached', attachmentIds: [kept] } },
    customer.token,
  );
  await front.sql(`UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = ANY($1)`, [[stale, kept]]);
  const stored = () => readdir(path.join(dataDir, 'attachments'));
  expect(await stored()).toEqual(expect.arrayContaining([stale, `${stale}.webp`, kept, fresh]));

  await front.sql(
    `INSERT INTO graphile_worker._private_known_crontabs (identifier, known_since, last_execution)
     VALUES ('attachments.cleanup', now() - interval '1 day', now() - interval '15 minutes')`,
  );
  const started = await Promise.all(
    [1, 2].map((instance) =>
      startTestServer({
        databaseUrl: front.databaseUrl,
        jobs: true,
        env: { DATA_DIR: dataDir },
        log: createLogger('debug', { write: (line: string) => lines.push({ instance, ...JSON.parse(line) }) }),
      }),
    ),
  );
  servers.push(...started);

  await until(async () => (await front.sql('SELECT 1 FROM attachments WHERE id = $1', [stale])).length === 0);
  // Long enough for a second run of the same tick, had the other instance scheduled one too.
  await new Promise((r) => setTimeout(r, 1500));
  const runs = lines.filter((line) => line.msg === 'Cleaned up uploads never attached');
  expect(runs).toEqual([expect.objectContaining({ deleted: 1, job: 'attachments.cleanup' })]);
  expect(new Date(runs[0].tick!).getUTCMinutes() % 10).toBe(0);

  expect((await front.sql('SELECT id FROM attachments WHERE id = ANY($1) ORDER BY name', [[stale, kept, fresh]])).map((r) => r.id)).toEqual(
    [fresh, kept],
  );
  const files = await stored();
  expect(files).not.toContain(stale);
  expect(files).not.toContain(`${stale}.webp`);
  expect(files).toEqual(expect.arrayContaining([kept, fresh]));
});
