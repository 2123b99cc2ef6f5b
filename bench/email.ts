/**
 * Email latency (issue 13). Outbound: 1,000 Lex-team answers at 1,000 a minute (NOTIFY_DELAY_S=0),
 * each timed from its commit to the test SMTP server's receipt (end of DATA). Inbound: the 1,000
 * customers answer those emails through the server's SMTP port (10 connections at a time), each
 * timed from the start of its SMTP transaction (an upper bound of the end of DATA) to the
 * `replyAdded` event on the ticket's topic. Counts lost and doubled mails and replies.
 *
 *   npm run build:server && node dist/bench/email.js [--notifications 1000] [--per-minute 1000]
 *
 * One process holds the server (createApp with its job worker and inbound SMTP server), the
 * receiving SMTP server and the sending mail client, so all times are on one clock. Environment:
 * BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres). Creates its own
 * database and drops it; writes bench/results/email.json.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { Client as PgClient } from 'pg';
import { Role } from '../server/accounts/user.entity';
import { createApp } from '../server/app';
import { parseEmailConfig } from '../server/config';
import { openDatabases } from '../server/db/data-source';
import { createLogger } from '../server/logger';
import { createEventBus } from '../server/realtime/pubsub';
import { topics } from '../server/realtime/topics';
import { ReplyChannel } from '../server/support/reply.entity';
import { Author } from '../server/support/ticket-commands';
import { TicketCategory } from '../server/support/ticket-status';
import { inBatches, option, sleep, waitUntil } from './common';
import { catchMail } from './lib/mail-catcher';
import { percentile } from './lib/stats';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const COUNT = option('notifications', 1000);
const PER_MINUTE = option('per-minute', 1000);
const CUSTOMERS = 50;

interface Received {
  at: number;
  to: string;
  subject: string;
  replyTo: string;
  messageId: string;
}

/** The receiving MTA: the few headers needed, read without a full MIME parse (this process also runs the server). */
const startReceiver = () =>
  catchMail((raw, { at, to }): Received => {
    const head = raw.split(/\r?\n\r?\n/)[0];
    const header = (name: string) => new RegExp(`^${name}: *(.*)$`, 'im').exec(head)?.[1].trim() ?? '';
    return {
      at,
      to: to[0],
      subject: header('Subject'),
      replyTo: /<([^>]+)>|(\S+@\S+)/.exec(header('Reply-To'))?.slice(1).find(Boolean) ?? '',
      messageId: header('Message-ID'),
    };
  });

const summary = (values: number[]) => ({
  n: values.length,
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  max: Math.max(...values),
});

async function main() {
  const dbName = `lex_bench_email_${randomBytes(4).toString('hex')}`;
  const admin = new PgClient({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`);
  const receiver = await startReceiver();
  const { received } = receiver;
  const databases = await openDatabases(databaseUrl, { poolSize: 10 });
  const { app: db, system } = databases;
  const log = createLogger(process.env.LOG_LEVEL || 'warn');
  const bus = createEventBus(undefined, (message) => log.warn(message));
  const email = parseEmailConfig(
    {
      SMTP_URL: receiver.url,
      MAIL_FROM: 'Lex Support <support@lex.example>',
      INBOUND_DOMAIN: 'in.lex.example',
      NOTIFY_DELAY_S: '0',
      INBOUND_SMTP_PORT: '0',
    },
    'http://localhost:4000',
    false,
  );
  const app = await createApp({
    config: { publicOrigins: ['http://localhost:4000'], production: false, clientDir: '/nonexistent', rateLimitScale: 1000, email },
    db,
    system,
    bus,
    log,
    jobs: { ownerUrl: databaseUrl },
  });
  const { commands } = app.services;
  try {
    // People: customers of one tenant, and a team member who wants no email (only answers are measured).
    const [{ id: tenantId }] = await system.query(`INSERT INTO tenants (name) VALUES ('Bench BV') RETURNING id`);
    // Each writer acts in a session of its own, as row-level security requires.
    const sessionOf = async (userId: string) => {
      const key = randomBytes(32).toString('hex');
      await system.query(`INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [
        userId,
        key,
      ]);
      return key;
    };
    const customers: Author[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const [row] = await system.query(
        `INSERT INTO users (tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, 'customer', 'x') RETURNING id`,
        [tenantId, `customer${i}@bench.example`, `Customer ${i}`],
      );
      customers.push({
        id: row.id,
        role: Role.CUSTOMER,
        name: `Customer ${i}`,
        email: `customer${i}@bench.example`,
        tenantId,
        sessionKey: await sessionOf(row.id),
      });
    }
    const [team] = await system.query(
      `INSERT INTO users (email, name, role, password_hash, email_notifications) VALUES ('agent@lex.example', 'Agent', 'superadmin', 'x', false) RETURNING id`,
    );
    const agent: Author = {
      id: team.id,
      role: Role.SUPERADMIN,
      name: 'Agent',
      email: 'agent@lex.example',
      tenantId: null,
      sessionKey: await sessionOf(team.id),
    };
    const tickets = await inBatches([...Array(COUNT).keys()], 10, (i) =>
      commands.createTicket(customers[i % CUSTOMERS], { subject: `Bench ${i}`, category: TicketCategory.TECHNICAL, message: 'Question' }),
    );
    const byNumber = new Map(tickets.map((ticket, i) => [ticket.ticketNumber, { ticket, customer: customers[i % CUSTOMERS] }]));

    // Outbound: answers at the given rate, each timed from its commit.
    const committedAt = new Map<number, number>();
    const interval = 60_000 / PER_MINUTE;
    const started = Date.now();
    const answers: Promise<void>[] = [];
    for (let i = 0; i < COUNT; i++) {
      await sleep(Math.max(0, started + i * interval - Date.now()));
      const ticket = tickets[i];
      answers.push(
        commands
          .replyToTicket(agent, { ticketId: ticket.id, message: `Answer ${i}` })
          .then(() => void committedAt.set(ticket.ticketNumber, Date.now())),
      );
    }
    await Promise.all(answers);
    await waitUntil(() => received.length >= COUNT, `${COUNT} emails`, 180_000).catch(() => undefined);
    await sleep(3000); // any doubles arrive
    const numberOf = (subject: string) => Number(/\[#(\d+)\]/.exec(subject)?.[1]);
    const outbound = received.map((mail) => mail.at - committedAt.get(numberOf(mail.subject))!);
    const outboundDoubled = received.length - new Set(received.map((mail) => numberOf(mail.subject))).size;
    const outboundLost = COUNT - new Set(received.map((mail) => numberOf(mail.subject))).size;

    // Inbound: every customer answers their email; timed to the reply's event on the ticket's topic.
    const eventAt = new Map<string, number>();
    await Promise.all(
      tickets.map(async (ticket) => {
        const stream = await bus.stream(topics.ticket(ticket.id));
        void (async () => {
          for await (const message of stream) {
            if (message.type === 'reply' && message.reply.via === ReplyChannel.EMAIL) eventAt.set(ticket.id, Date.now());
          }
        })();
      }),
    );
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: app.email.inboundPort!,
      pool: true,
      maxConnections: 10,
      ignoreTLS: true,
    });
    const sentAt = new Map<string, number>();
    const firstPerTicket = [...new Map(received.map((mail) => [numberOf(mail.subject), mail])).values()];
    await inBatches(firstPerTicket, 10, async (mail) => {
      const { ticket, customer } = byNumber.get(numberOf(mail.subject))!;
      sentAt.set(ticket.id, Date.now());
      await transport.sendMail({
        from: customer.email,
        to: mail.replyTo,
        subject: `Re: ${mail.subject}`,
        inReplyTo: mail.messageId,
        text: `Thanks!\n\nOn Mon, 3 Nov 2025 at 10:02, Lex Support <support@lex.example> wrote:\n> Answer`,
      });
    });
    transport.close();
    await waitUntil(() => eventAt.size >= firstPerTicket.length, 'the replies\u2019 events', 60_000).catch(() => undefined);
    const inbound = [...eventAt].map(([ticketId, at]) => at - sentAt.get(ticketId)!);
    const [{ n: emailReplies }] = await system.query(`SELECT count(*)::int AS n FROM support_replies WHERE via = 'email'`);

    const result = {
      machine: `${os.cpus().length} vCPU (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      outbound: { perMinute: PER_MINUTE, ...summary(outbound), lost: outboundLost, doubled: outboundDoubled },
      inbound: {
        mails: firstPerTicket.length,
        ...summary(inbound),
        lost: firstPerTicket.length - emailReplies,
        doubled: Math.max(0, emailReplies - firstPerTicket.length),
      },
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(path.resolve('bench/results'), { recursive: true });
    writeFileSync(path.resolve('bench/results/email.json'), JSON.stringify(result, null, 2));
  } finally {
    await app.close();
    await bus.close();
    await databases.destroy();
    await receiver.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
