import { existsSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import proxyaddr from 'proxy-addr';
import { DataSource } from 'typeorm';
import { attachmentsRouter } from './attachments/attachments.route';
import { AttachmentService } from './attachments/attachments.service';
import { EmailFileLinks } from './attachments/email-links';
import { MailFiles } from './attachments/mail-files';
import { createStorage } from './attachments/storage';
import { defineAttachmentJobs } from './attachments/cleanup-job';
import { SessionService } from './auth/session.service';
import { sessionToken } from './auth/session-cookie';
import { createJtiReplayGuard } from './auth/sso/jti-replay';
import { ssoVerificationKey } from './auth/sso/sso-keys';
import { ssoRouter } from './auth/sso/sso.route';
import { SsoService } from './auth/sso/sso.service';
import { AttachmentsConfig, Config, parseEmailConfig, parseLifecycleConfig } from './config';
import { DEFAULT_ATTACHMENT_MAX_MB } from './contract';
import { Email } from './email/email';
import { JobTasks, JobsOptions, startJobWorker } from './jobs/job-queue';
import { NotificationPreferences } from './email/notification-preferences';
import { Context, Services, createLoaders } from './context';
import { Logger } from './logger';
import { healthRouter } from './ops/health';
import { introspectionGuard, playgroundDir, playgroundRouter } from './ops/playground';
import { requestLog } from './ops/request-log';
import { SupportAudience } from './realtime/audience';
import { EventBus } from './realtime/pubsub';
import { SubscriptionsOnSockets } from './realtime/subscriptions-on-sockets';
import { startLiveUpdates } from './realtime/websocket';
import { buildSupportSchema } from './schema';
import { TicketCommands } from './support/ticket-commands';
import { TicketCounts } from './support/ticket-counts';
import { TicketQueries } from './support/ticket-queries';
import { TeamMembers } from './team/team-members';
import { createActivityStore } from './presence/activity-store';
import { TicketActivityService } from './presence/ticket-activity';
import { CannedReplies } from './team/canned-replies';
import { TicketLifecycle, defineLifecycleJobs, resumeLifecycleBackfill } from './lifecycle/ticket-lifecycle';
import { TimelineQueries } from './lifecycle/timeline';
import { defineAutoCloseBackfill, defineAutoCloseJob, resumeAutoCloseBackfill } from './lifecycle/auto-close';
import { SupportReports } from './reports/support-report';
import { defineReportJobs, resumeReportBackfill, useReportTimeZone } from './reports/report-rollups';
import { RatingLinkSigner, RatingLinks } from './rating/rating-links';
import { ratingLinksRouter } from './rating/rating.route';
import { Ratings } from './rating/ratings';
import { isDatabaseUnavailable, serviceUnavailable, unavailableStatus } from './db/unavailable';
import { maskError } from './error-masking';
import { MAX_TOKENS, limitRules } from './security/graphql-limits';
import { RateLimits, queryRateLimit } from './security/rate-limits';
import { SigningKeys } from './security/signing-keys';
import { retryAfterHeader, securityHeaders } from './security/headers';
import { builtFilesRouter } from './web/built-files';

/** How long an idle HTTP connection stays open: longer than common load balancers' idle timeout (60 s). */
const KEEP_ALIVE_MS = 65_000;

export interface AppDeps {
  config: Pick<Config, 'publicOrigins' | 'production' | 'clientDir'> &
    Partial<Pick<Config, 'redisUrl' | 'redisPrefix' | 'rateLimitScale' | 'trustProxy' | 'sso' | 'email' | 'attachments' | 'lifecycle'>>;
  /** Connections confined by row-level security, for what sessions ask. */
  db: DataSource;
  /** The owner's connections, for work no session asks for (sessions, badges for others). */
  system: DataSource;
  bus: EventBus;
  log: Logger;
  /** Run a job worker in this instance (emails, clean-ups); without it, jobs wait for an instance that does. */
  jobs?: JobsOptions;
}

export interface App {
  server: Server;
  services: Services;
  email: Email;
  listen(port: number): Promise<number>;
  /** Stops accepting, finishes in-flight requests and closes sockets with a code that makes clients reconnect. */
  close(): Promise<void>;
}

export async function createApp({ config, db, system, bus, log, jobs }: AppDeps): Promise<App> {
  const sessions = new SessionService(system, { customersUsePasswords: !config.sso?.only });
  const jtiReplays = config.sso ? createJtiReplayGuard(config.redisUrl, config.redisPrefix) : undefined;
  const sso = config.sso && jtiReplays && new SsoService(system, sessions, config.sso, ssoVerificationKey(config.sso.keys), jtiReplays);
  const rateLimits = new RateLimits(config.redisUrl, config.rateLimitScale, config.redisPrefix);
  const tickets = new TicketQueries(db);
  const counts = new TicketCounts(db, system);
  const audience = new SupportAudience(bus, tickets, counts, (message, error) => log.error({ err: error }, message));
  const emailConfig = config.email ?? parseEmailConfig({}, config.publicOrigins[0] ?? 'http://localhost', config.production);
  const tasks = new JobTasks();
  const attachmentsConfig: AttachmentsConfig = config.attachments ?? {
    maxBytes: DEFAULT_ATTACHMENT_MAX_MB * 1024 * 1024,
    storage: { kind: 'disk', dir: path.join('.data', 'attachments') },
    receivingDir: path.join('.data', 'uploads'),
  };
  const attachments = new AttachmentService(db, system, createStorage(attachmentsConfig.storage));
  defineAttachmentJobs(tasks, attachments);
  const signingKeys = new SigningKeys(system);
  const fileLinks = new EmailFileLinks(signingKeys, attachments, sessions, system);
  const ratingLinkSigner = new RatingLinkSigner(signingKeys);
  const lifecycleConfig = config.lifecycle ?? parseLifecycleConfig({});
  const email = new Email({
    config: emailConfig,
    production: config.production,
    system,
    log,
    tasks,
    fileLinks,
    lifecycle: lifecycleConfig,
    ratingLinks: ratingLinkSigner,
  });
  const team = new TeamMembers(system);
  const lifecycle = new TicketLifecycle(lifecycleConfig);
  defineLifecycleJobs(tasks, { system, listener: audience, config: lifecycleConfig });
  defineReportJobs(tasks, { system });
  await useReportTimeZone(system, lifecycleConfig.businessHours.timeZone);
  const commands = new TicketCommands(db, system, audience, email.outbox, team, lifecycle);
  defineAutoCloseJob(tasks, { commands, config: lifecycleConfig });
  defineAutoCloseBackfill(tasks, { system, config: lifecycleConfig });
  const ratings = new Ratings(db, commands);
  const cannedReplies = new CannedReplies(db);
  const activity = new TicketActivityService(createActivityStore(config.redisUrl, config.redisPrefix), bus, tickets, rateLimits);
  const services: Services = {
    db,
    system,
    sessions,
    tickets,
    commands,
    counts,
    audience,
    rateLimits,
    attachments,
    notificationPreferences: new NotificationPreferences(system),
    team,
    cannedReplies,
    activity,
    timeline: new TimelineQueries(db),
    reports: new SupportReports(db, team, lifecycleConfig.businessHours.timeZone),
    ratings,
  };
  const schema = await buildSupportSchema(bus);
  const secureCookies = config.publicOrigins[0]?.startsWith('https:') ?? false;

  const app = express();
  app.disable('x-powered-by');
  // Client addresses (for per-address limits) come from X-Forwarded-For only as far as the proxies
  // named by TRUST_PROXY vouch for it; by default from the connection itself.
  app.set('trust proxy', config.trustProxy ?? false);
  const clientIp = (request: IncomingMessage) => proxyaddr(request, app.get('trust proxy fn'));
  app.use(securityHeaders({ production: config.production, https: secureCookies }));
  app.use('/graphql', cors({ origin: config.publicOrigins, credentials: true }));
  // Operations: a log line per request with its id, probes, and the playground at GET /graphql.
  app.use(requestLog(log));
  app.use(healthRouter({ db, bus, log }));
  app.use(ssoRouter({ sso, secureCookies, log }));
  /** The viewer of a request's session cookie or Bearer token, or null. */
  const authenticate = async (headers: IncomingHttpHeaders) => {
    const token = sessionToken(headers, secureCookies);
    return token ? sessions.authenticate(token) : null;
  };
  // Unsubscribe links (and the development mailbox): plain pages, no session needed.
  app.use(email.routes());
  app.use('/uploads', cors({ origin: config.publicOrigins, credentials: true }));
  app.use(
    attachmentsRouter({
      attachments,
      links: fileLinks,
      authenticate,
      rateLimits,
      maxBytes: attachmentsConfig.maxBytes,
      receivingDir: attachmentsConfig.receivingDir,
      log,
    }),
  );
  // The rating links of closing emails: plain pages, as the recipient, no session needed.
  app.use(ratingLinksRouter(new RatingLinks(ratingLinkSigner, ratings, sessions, system)));
  app.use(
    playgroundRouter({ dir: playgroundDir(config.clientDir), production: config.production, viewerOf: (req) => authenticate(req.headers) }),
  );
  const server = createServer(app);
  // An idle keep-alive connection is closed by the client or the proxy in front, not by us: a request
  // sent just as we closed it would be reset (Node's default closes after 5 s).
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;

  // Live updates: graphql-ws on the same port and path.
  const live = await startLiveUpdates({ server, schema, services, publicOrigins: config.publicOrigins, authenticate, clientIp, log });

  const apollo = new ApolloServer<Context>({
    schema,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    persistedQueries: false,
    includeStacktraceInErrorResponses: false,
    // No "Did you mean …?" hints that map the schema for strangers.
    hideSchemaDetailsFromClientErrors: true,
    parseOptions: { maxTokens: MAX_TOKENS },
    validationRules: [...limitRules, SubscriptionsOnSockets],
    // Introspection for everyone outside production, for signed-in users in production (the guard).
    introspection: true,
    formatError: (formatted, error) => maskError(formatted, error, log),
    // Shutdown is close()'s (main.ts calls it on SIGTERM/SIGINT), in its order: Apollo's own signal
    // handlers would start draining first, and a second stop() never returns while one is running.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      // Our own playground answers browsers at GET /graphql; never Apollo's CDN-loaded landing page.
      ApolloServerPluginLandingPageDisabled(),
      introspectionGuard(config.production),
      queryRateLimit,
      retryAfterHeader,
      unavailableStatus,
    ],
  });
  await apollo.start();
  const worker = jobs && (await startJobWorker({ ...jobs, tasks, log }));
  if (worker) {
    await resumeLifecycleBackfill(system);
    await resumeAutoCloseBackfill(system, lifecycleConfig);
    await resumeReportBackfill(system);
  }
  await email.listenInbound(commands, sessions, new MailFiles(attachments, attachmentsConfig));

  app.use(
    '/graphql',
    // Room for a message a little over the 10,000-character limit, so that it gets a clear error.
    express.json({ limit: '2mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<Context> => {
        const viewer = await authenticate(req.headers).catch((error) => {
          throw isDatabaseUnavailable(error) ? serviceUnavailable() : error;
        });
        return { viewer, ip: clientIp(req), services, loaders: createLoaders(services, viewer), http: { res, secure: secureCookies } };
      },
    }),
  );

  // A body that is not JSON, or too large, gets a GraphQL-shaped error and no stack trace.
  app.use('/graphql', ((error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === 'number' && error.status < 500 ? error.status : 400;
    const message = status === 413 ? 'The request body is too large' : 'The request body is not valid JSON';
    res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  }) as express.ErrorRequestHandler);

  // The web app, same origin as the API, with client-side routes falling back to index.html.
  const clientDir = path.resolve(config.clientDir);
  if (existsSync(path.join(clientDir, 'index.html'))) app.use(builtFilesRouter(clientDir));

  let closing: Promise<void> | undefined;
  return {
    server,
    services,
    email,
    listen: (port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => resolve((server.address() as { port: number }).port));
      }),
    close: () =>
      (closing ??= (async () => {
        // Stop accepting: new connections and sockets go to the other instances.
        server.close();
        await live.close();
        // Requests in flight finish (idle keep-alive connections are closed), then Apollo stops.
        await apollo.stop();
        rateLimits.close();
        activity.close();
        jtiReplays?.close();
        // The events of the writes that just committed go out before the caller closes Redis.
        await audience.idle();
        // Jobs in hand finish; the ones waiting stay in the queue for the other instances.
        await worker?.stop();
        await email.close();
        attachments.close();
      })()),
  };
}
