// Auto-close (docs/architecture.md §10): an answered ticket's customer is reminded at 70 % of
// AUTO_CLOSE_AFTER_HOURS and the ticket closes at 100 %, by jobs, against a real SMTP server and a real
// worker; a customer's reply cancels it, whichever commits first; tickets answered before the upgrade
// get their jobs from a batched backfill.
import { Client } from 'pg';
import { parseLifecycleConfig } from '../../server/config';
import { when } from '../../server/email/email-templates';
import { enqueue } from '../../server/jobs/job-queue';
import { AutoCloseJob, autoCloseKeys, autoCloseSchedule, describeWait, resumeAutoCloseBackfill } from '../../server/lifecycle/auto-close';
import { topics } from '../../server/realtime/topics';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { ok, settle, subscribe, wsClient } from '../helpers/graphql';
import { MailCatcher, startMailCatcher } from '../helpers/mail';
import { TicketEvent, lifecycleOps } from '../helpers/operations';
import { startTestServer } from '../helpers/server';
import { api, useDesk } from '../helpers/support-api';
import { eventually, watchStreams } from './live-helpers';

jest.setTimeout(60_000);

// 7.2 s: the reminder after 5.04 s, the close 2.16 s later.
const HOURS = 0.002;
const WAIT_MS = HOURS * 3_600_000;
const env: Record<string, string> = {
  AUTO_CLOSE_AFTER_HOURS: String(HOURS),
  NOTIFY_DELAY_S: '0',
  MAIL_FROM: 'Lex Support <support@lex.example>',
  INBOUND_DOMAIN: 'in.lex.example',
};
let catcher: MailCatcher;
beforeAll(async () => {
  catcher = await startMailCatcher();
  env.SMTP_URL = catcher.url;
});
const desk = useDesk({ jobs: true, env });
afterAll(() => catcher.close());

const mailsTo = (user: SignedIn) => catcher.received.filter((mail) => mail.to.includes(user.email));
const reminders = (user: SignedIn) =>
  mailsTo(user).filter((mail) => /closes automatically on|automatisch gesloten, tenzij/.test(mail.mail.text ?? ''));
const closings = (user: SignedIn) =>
  mailsTo(user).filter((mail) => /closed automatically after|automatisch gesloten na/.test(mail.mail.text ?? ''));
const lifecycleOf = async (user: SignedIn, id: string) => (await ok(desk.server, lifecycleOps.ticket, { id }, user.token)).supportTicket!;
const timeline = async (user: SignedIn, id: string) => (await lifecycleOf(user, id)).events;
/** The waiting job of a key, as the answer queued it. */
const waitingJob = async (key: string) =>
  (
    await desk.server.sql<{ payload: AutoCloseJob; run_at: Date }>(
      `SELECT payload, run_at FROM graphile_worker._private_jobs WHERE key = $1`,
      [key],
    )
  )[0];
/** The jobs of these tasks waiting (or running) for a ticket. */
const jobsOf = (ticketId: string, tasks: string[]) =>
  desk.server.sql(
    `SELECT 1 FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
      WHERE k.identifier = ANY($2) AND j.payload->>'ticketId' = $1`,
    [ticketId, tasks],
  );
/** Takes a ticket's waiting auto-close jobs out of the queue, so that only those the test runs run. */
const removeJobs = async (ticketId: string) => {
  for (const key of Object.values(autoCloseKeys(ticketId))) await desk.server.sql(`SELECT graphile_worker.remove_job($1)`, [key]);
};
const line = ({ kind, actorName, actorRole, fromStatus, toStatus }: TicketEvent) => ({ kind, actorName, actorRole, fromStatus, toStatus });
const AUTO_CLOSED = { kind: 'AUTO_CLOSED', actorName: null, actorRole: null, fromStatus: 'ANSWERED', toStatus: 'CLOSED' };

describe('the rules', () => {
  const at = (iso: string) => new Date(iso);
  it.each<[string, string, string, string, string]>([
    [
      'a new answer: 70 % and 100 % of the wait',
      '2026-03-02T12:00:00Z',
      '2026-03-02T12:00:00Z',
      '2026-03-07T09:36:00Z',
      '2026-03-09T12:00:00Z',
    ],
    [
      'answered before the upgrade, reminder still ahead',
      '2026-03-02T12:00:00Z',
      '2026-03-05T00:00:00Z',
      '2026-03-07T09:36:00Z',
      '2026-03-09T12:00:00Z',
    ],
    [
      'answered before the upgrade, past the reminder: reminded now, closed 30 % later',
      '2026-03-02T12:00:00Z',
      '2026-03-08T00:00:00Z',
      '2026-03-08T00:00:00Z',
      '2026-03-10T02:24:00Z',
    ],
    ['answered long ago', '2025-01-01T00:00:00Z', '2026-03-08T00:00:00Z', '2026-03-08T00:00:00Z', '2026-03-10T02:24:00Z'],
  ])('%s', (_name, answeredAt, now, remindAt, closeAt) => {
    expect(autoCloseSchedule(at(answeredAt), at(now), 168)).toEqual({ remindAt: at(remindAt), closeAt: at(closeAt) });
  });

  it.each<[number, string, string]>([
    [168, '7 days', '7 dagen'],
    [72, '3 days', '3 dagen'],
    [100, '4 days', '4 dagen'],
    [36, '36 hours', '36 uur'],
    [1, '1 hour', '1 uur'],
    [0.5, '30 minutes', '30 minuten'],
    [0.002, '7 seconds', '7 seconden'],
    [0.0001, '1 second', '1 seconde'],
  ])('a wait of %s hours reads "%s" / "%s"', (hours, en, nl) => {
    expect([describeWait(hours, 'en'), describeWait(hours, 'nl')]).toEqual([en, nl]);
  });
});

it('reminds at 70 % and closes at 100 % of the wait, one email each in the customer’s language; the timeline, live listeners and counts follow', async () => {
  await desk.server.sql(`UPDATE users SET locale = 'nl' WHERE id = $1`, [desk.otherCustomer.id]);
  const streams = watchStreams(desk.server);
  const clients = [wsClient(desk.server, desk.admin.token), wsClient(desk.server, desk.customer.token)];
  try {
    const team = subscribe(clients[0], lifecycleOps.updated, {});
    const customer = subscribe(clients[1], lifecycleOps.updated, {});
    await streams.until(topics.admins);
    await streams.until(topics.user(desk.customer.id));
    const before = await desk.stats(desk.admin.token);

    const english = await desk.createTicket(desk.customer.token, { subject: 'Payslips' });
    const dutch = await desk.createTicket(desk.otherCustomer.token, { subject: 'Loonstroken' });
    await desk.reply(desk.admin.token, english.id, 'Fixed, please try again.');
    await desk.reply(desk.admin.token, dutch.id, 'Opgelost, probeer het nog eens.');
    const answeredAt = Date.parse((await lifecycleOf(desk.admin, english.id)).updatedAt);
    // Queued in the answer's transaction, counted from its updated_at.
    const schedule = autoCloseSchedule(new Date(answeredAt), new Date(answeredAt), HOURS);
    const close = await waitingJob(autoCloseKeys(english.id).close);
    expect(close).toEqual({
      payload: { ticketId: english.id, answeredAt: new Date(answeredAt).toISOString(), closeAt: schedule.closeAt.toISOString() },
      run_at: schedule.closeAt,
    });
    expect((await waitingJob(autoCloseKeys(english.id).remind)).run_at).toEqual(schedule.remindAt);

    await eventually(() => reminders(desk.customer).length === 1 && reminders(desk.otherCustomer).length === 1, 'the reminders', 20_000);
    const [reminder] = reminders(desk.customer);
    expect(reminder.at).toBeGreaterThanOrEqual(schedule.remindAt.getTime());
    expect(reminder.mail.subject).toBe(`[#${english.ticketNumber}] Payslips`);
    expect(reminder.mail.text).toContain(`It closes automatically on ${when(schedule.closeAt, 'en')} unless you reply.`);
    expect(reminders(desk.otherCustomer)[0].mail.text).toMatch(/Het wordt op .+ automatisch gesloten, tenzij je reageert\./);
    expect((await desk.ticket(desk.customer.token, english.id))!.status).toBe('ANSWERED');

    await eventually(() => closings(desk.customer).length === 1 && closings(desk.otherCustomer).length === 1, 'the closing emails', 20_000);
    expect(closings(desk.customer)[0].mail.text).toContain('This ticket was closed automatically after 7 seconds without a reply.');
    expect(closings(desk.otherCustomer)[0].mail.text).toContain('Dit ticket is automatisch gesloten na 7 seconden zonder reactie.');
    const closed = (await desk.ticket(desk.customer.token, english.id))!;
    expect(closed.status).toBe('CLOSED');
    expect(Date.parse(closed.closedAt!)).toBeGreaterThanOrEqual(schedule.closeAt.getTime());

    // The system closed it: no name, for the team and the customer alike.
    expect((await timeline(desk.admin, english.id)).map(line).at(-1)).toEqual(AUTO_CLOSED);
    expect((await timeline(desk.customer, english.id)).map(line).at(-1)).toEqual(AUTO_CLOSED);
    // Both sides heard it live; the counts moved the two tickets from answered to closed.
    await eventually(
      () => team.events.some((e) => e.data!.ticketUpdated.id === english.id && e.data!.ticketUpdated.status === 'CLOSED'),
      'the team',
    );
    await eventually(
      () => customer.events.some((e) => e.data!.ticketUpdated.id === english.id && e.data!.ticketUpdated.status === 'CLOSED'),
      'the customer',
    );
    expect(await desk.stats(desk.admin.token)).toEqual({ ...before, closed: before.closed + 2, total: before.total + 2 });

    // Each job run again, as a retry or a second instance would: nothing happens twice.
    const events = await timeline(desk.admin, english.id);
    const mails = catcher.received.length;
    await desk.server.db.transaction(async (manager) => {
      await enqueue(manager, 'email.autoCloseReminder', close.payload);
      await enqueue(manager, 'autoClose.close', close.payload);
      await enqueue(manager, 'autoClose.close', close.payload);
      await enqueue(manager, 'email.closed', { ticketId: english.id, autoClosedAfterHours: HOURS });
    });
    await eventually(
      async () => (await jobsOf(english.id, ['email.autoCloseReminder', 'autoClose.close', 'email.closed'])).length === 0,
      'the jobs',
    );
    await settle(500);
    expect(await timeline(desk.admin, english.id)).toEqual(events);
    expect(catcher.received).toHaveLength(mails);
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
  }
});

describe('a customer reply racing the close job', () => {
  /** An answered ticket whose close job is taken out of the queue, to be run when the test says. */
  async function answered() {
    const ticket = await desk.createTicket(desk.customer.token, { subject: 'Race' });
    await desk.reply(desk.admin.token, ticket.id, 'Done');
    const { payload } = await waitingJob(autoCloseKeys(ticket.id).close);
    await removeJobs(ticket.id);
    return { ticket, payload };
  }
  /** Holds the ticket's write turn (the advisory lock every write takes) until released, and counts who waits for it. */
  async function holdTurn(ticketId: string) {
    const client = new Client({ connectionString: desk.server.databaseUrl });
    await client.connect();
    await client.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [`ticket:${ticketId}`]);
    const waiting = async () =>
      (
        await client.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        )
      ).rows[0].n as number;
    return {
      untilWaiting: (n: number) => eventually(async () => (await waiting()) === n, `${n} waiting for the ticket`, 10_000),
      release: () => client.end(),
    };
  }
  const runCloseJob = (payload: AutoCloseJob) => desk.server.db.transaction((manager) => enqueue(manager, 'autoClose.close', payload));
  const jobDone = (ticketId: string) =>
    eventually(async () => (await jobsOf(ticketId, ['autoClose.close'])).length === 0, 'the close job', 10_000);
  const customerReopened = (from: string) => ({
    kind: 'STATUS_CHANGED',
    actorName: desk.customer.name,
    actorRole: 'CUSTOMER',
    fromStatus: from,
    toStatus: 'OPEN',
  });

  /**
   * The close job and a customer's reply, queued for the ticket's write turn in the order given; the
   * reply is never lost and the ticket ends OPEN either way. Returns the ticket's timeline after both.
   */
  async function race(first: 'job' | 'reply') {
    const { ticket, payload } = await answered();
    const turn = await holdTurn(ticket.id);
    const runJob = () => runCloseJob(payload);
    const sendReply = () => desk.reply(desk.customer.token, ticket.id, 'One more thing');
    let reply: ReturnType<typeof sendReply>;
    if (first === 'job') await runJob();
    else reply = sendReply();
    await turn.untilWaiting(1);
    if (first === 'job') reply = sendReply();
    else await runJob();
    await turn.untilWaiting(2);
    await turn.release();
    const stored = await reply!;
    await jobDone(ticket.id);
    const after = (await desk.ticket(desk.customer.token, ticket.id))!;
    expect(after.status).toBe('OPEN');
    expect(after.replies.map((r) => r.id)).toContain(stored.id);
    return (await timeline(desk.admin, ticket.id)).map(line);
  }

  it('the job first: it closes, and the reply after it reopens the ticket', async () => {
    expect((await race('job')).slice(-2)).toEqual([AUTO_CLOSED, customerReopened('CLOSED')]);
  });

  it('the reply first: the job finds the ticket no longer waiting and does nothing', async () => {
    const lines = await race('reply');
    expect(lines.at(-1)).toEqual(customerReopened('ANSWERED'));
    expect(lines.map((l) => l.kind)).not.toContain('AUTO_CLOSED');
  });

  it('a job of an earlier answer does nothing to a ticket answered again since (that answer has its own)', async () => {
    const { ticket, payload } = await answered();
    await desk.reply(desk.customer.token, ticket.id, 'Still broken');
    await desk.reply(desk.admin.token, ticket.id, 'Now it is fixed');
    await removeJobs(ticket.id); // the new answer's own, due later
    const events = await timeline(desk.admin, ticket.id);
    await runCloseJob(payload);
    await jobDone(ticket.id);
    expect((await desk.ticket(desk.customer.token, ticket.id))!.status).toBe('ANSWERED');
    expect(await timeline(desk.admin, ticket.id)).toEqual(events);
  });
});

it('gives tickets answered before the upgrade their jobs (the backfill), counted from their updated_at; the long overdue are reminded first', async () => {
  const ticket = async (subject: string) => {
    const created = await desk.createTicket(desk.customer.token, { subject });
    await desk.reply(desk.admin.token, created.id, 'Answered');
    await removeJobs(created.id);
    return created;
  };
  const longAgo = await ticket('Answered a month ago');
  const recently = await ticket('Answered a moment ago');
  const reopened = await ticket('Answered, then the customer replied');
  await desk.reply(desk.customer.token, reopened.id, 'Not yet');
  await desk.server.sql(`UPDATE support_tickets SET updated_at = now() - interval '30 days' WHERE id = $1`, [longAgo.id]);
  // As the migration leaves them: the tickets ANSWERED at the upgrade.
  await desk.server.sql(`INSERT INTO auto_close_pending SELECT unnest($1::uuid[])`, [[longAgo.id, recently.id, reopened.id]]);
  const started = Date.now();
  await resumeAutoCloseBackfill(desk.server.system, parseLifecycleConfig(env));
  await eventually(async () => (await desk.server.sql(`SELECT 1 FROM auto_close_pending`)).length === 0, 'the backfill', 10_000);

  const [{ updated_at: recentAnswer }] = await desk.server.sql(`SELECT updated_at FROM support_tickets WHERE id = $1`, [recently.id]);
  const recent = autoCloseSchedule(recentAnswer, recentAnswer, HOURS);
  expect((await waitingJob(autoCloseKeys(recently.id).close)).run_at).toEqual(recent.closeAt);
  expect(await waitingJob(autoCloseKeys(reopened.id).close)).toBeUndefined();
  // A month past due: reminded at once, closed 30 % of the wait after that, never without the reminder.
  await eventually(
    () => mailsTo(desk.customer).some((m) => m.mail.subject?.includes('Answered a month ago') && reminders(desk.customer).includes(m)),
    'the reminder',
    10_000,
  );
  await eventually(async () => (await desk.ticket(desk.customer.token, longAgo.id))!.status === 'CLOSED', 'the close', 20_000);
  const closedAt = Date.parse((await desk.ticket(desk.customer.token, longAgo.id))!.closedAt!);
  expect(closedAt - started).toBeGreaterThanOrEqual(0.3 * WAIT_MS - 50);
  expect((await desk.ticket(desk.customer.token, reopened.id))!.status).toBe('OPEN');
});

it('with AUTO_CLOSE_AFTER_HOURS=0 queues nothing', async () => {
  const server = await startTestServer({ env: { AUTO_CLOSE_AFTER_HOURS: '0' } });
  try {
    const off = api(server);
    const [customer, admin] = [await signedInUser(server, 'customer', 'Acme'), await signedInUser(server, 'superadmin')];
    const ticket = await off.createTicket(customer.token);
    await off.reply(admin.token, ticket.id, 'Answered');
    expect(await server.sql(`SELECT key FROM graphile_worker.jobs WHERE key = ANY($1)`, [Object.values(autoCloseKeys(ticket.id))])).toEqual(
      [],
    );
  } finally {
    await server.close();
  }
});
