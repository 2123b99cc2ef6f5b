import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { ExecutionArgs, GraphQLError, GraphQLSchema, createSourceEventStream, execute } from 'graphql';
import { mapAsyncIterator } from 'graphql/execution/mapAsyncIterator';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { RawData, WebSocketServer } from 'ws';
import type { Viewer } from '../auth/viewer';
import { Context, Services, createLoaders } from '../context';
import { ErrorCode, SESSION_ENDED, TOO_MANY, TRY_AGAIN_LATER } from '../contract';
import { isDatabaseUnavailable, serviceUnavailable } from '../db/unavailable';
import { maskError } from '../error-masking';
import { unauthenticated } from '../errors';
import type { Logger } from '../logger';
import { wsOperationLog } from '../ops/request-log';
import { checkOperation } from '../security/graphql-limits';
import { listenForEndedSessions } from './ended-sessions';
import { SocketRegistry } from './socket-registry';

/** The largest frame accepted (larger ones close the socket with MESSAGE_TOO_BIG): a 1,000-token query with its variables fits many times over. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Operations running at once on one socket (the web app keeps at most four subscriptions). */
export const MAX_OPERATIONS_PER_SOCKET = 20;
/** Open sockets per account on one instance (a socket per tab, with room for several devices). */
export const MAX_SOCKETS_PER_USER = 10;
/** A session checked this recently is not checked again at the next operation of its socket. */
export const SESSION_CHECK_CACHE_MS = 5_000;
/** How often the sessions of every open socket are checked together, for sockets that only listen. */
export const SESSION_SWEEP_MS = 10_000;

const SERVER_MESSAGES = new Set(['connection_ack', 'next', 'error']);

function sentByServerOnly(data: RawData): boolean {
  try {
    return SERVER_MESSAGES.has(JSON.parse(String(data))?.type);
  } catch {
    return false; // not JSON: graphql-ws closes it with 4400 itself
  }
}

const tooManyOperations = () =>
  new GraphQLError(`At most ${MAX_OPERATIONS_PER_SOCKET} operations may run at once on one socket`, {
    extensions: { code: ErrorCode.RATE_LIMITED },
  });

/**
 * Runs a subscription with fresh loaders for each event: loaders cache for one execution, and an
 * event's data must not come from the cache of an earlier event.
 */
async function subscribeWithLoadersPerEvent(args: ExecutionArgs) {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream;
  const context = args.contextValue as Context;
  return mapAsyncIterator(stream, (payload) =>
    execute({ ...args, rootValue: payload, contextValue: { ...context, loaders: createLoaders(context.services, context.viewer) } }),
  );
}

export interface LiveUpdatesDeps {
  server: Server;
  schema: GraphQLSchema;
  services: Services;
  publicOrigins: string[];
  authenticate(headers: IncomingHttpHeaders): Promise<Viewer | null>;
  clientIp(request: IncomingMessage): string;
  log: Logger;
}

/**
 * graphql-ws on the HTTP server's port at /graphql: browsers only from allowed origins (tools send
 * no Origin), signed in at connection_init (cookie or `authorization` param), rate-limited per
 * address, capped per socket and per account, and closed when their session ends on any instance,
 * expires or goes idle; the session is checked again before each operation.
 */
export async function startLiveUpdates({ server, schema, services, publicOrigins, authenticate, clientIp, log }: LiveUpdatesDeps) {
  const { sessions, rateLimits, system } = services;
  const operationLog = wsOperationLog(log);
  const registry = new SocketRegistry();
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: MAX_FRAME_BYTES,
    verifyClient: ({ origin, req }: { origin?: string; req: IncomingMessage }, done: (ok: boolean, code?: number) => void) => {
      if (origin && !publicOrigins.includes(origin)) return done(false, 403);
      rateLimits.consume('socketConnect', clientIp(req)).then(
        () => done(true),
        () => done(false, 429),
      );
    },
  });
  // Before graphql-ws sees a message: a socket that floods the server is closed, and so is one that
  // sends what only a server may send (graphql-ws would call that an internal error, 4500).
  wss.on('connection', (socket, request) => {
    const ip = clientIp(request);
    socket.on('message', (data) => {
      if (sentByServerOnly(data)) socket.close(CloseCode.BadRequest, 'Invalid message received');
      rateLimits.consume('socketMessage', ip).catch(() => socket.close(TOO_MANY, 'Too many messages'));
    });
  });

  type SocketExtra = { viewer?: Viewer; checkedAt?: number; expiry?: NodeJS.Timeout; ip?: string };
  /** The socket's viewer as of at most SESSION_CHECK_CACHE_MS ago, or null once its session is over. */
  const currentViewer = async (extra: SocketExtra): Promise<Viewer | null> => {
    if (!extra.viewer) return null;
    if (Date.now() - (extra.checkedAt ?? 0) < SESSION_CHECK_CACHE_MS) return extra.viewer;
    const viewer = await sessions.check(extra.viewer.sessionId);
    if (viewer) Object.assign(extra, { viewer, checkedAt: Date.now() });
    return viewer;
  };
  /** The session cannot be checked now, which is no reason to refuse it for good. */
  const closeIfDatabaseAway = (socket: { close(code: number, reason: string): void }) => (error: unknown) => {
    if (!isDatabaseUnavailable(error)) throw error;
    socket.close(TRY_AGAIN_LATER, 'Service unavailable, try again later');
    return undefined;
  };

  const wsServer = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema,
      onSubscribe: async (ctx, id, payload) => {
        const viewer = await currentViewer(ctx.extra).catch(closeIfDatabaseAway(ctx.extra.socket));
        if (viewer === undefined) return [serviceUnavailable()];
        if (!viewer) {
          ctx.extra.socket.close(SESSION_ENDED, 'Session ended');
          return [unauthenticated('Your session has ended')];
        }
        // graphql-ws has registered this operation already: it counts.
        if (Object.keys(ctx.subscriptions).length > MAX_OPERATIONS_PER_SOCKET) return [tooManyOperations()];
        const checked = checkOperation(schema, payload);
        operationLog.started(ctx, id, payload, Array.isArray(checked) ? undefined : checked.document);
        return checked;
      },
      onComplete: operationLog.completed,
      onConnect: async (ctx) => {
        const param = ctx.connectionParams?.authorization;
        const headers = typeof param === 'string' ? { authorization: param } : ctx.extra.request.headers;
        // On `false`, graphql-ws closes with 4403 itself, unless the socket is closing already.
        const viewer = await authenticate(headers).catch(closeIfDatabaseAway(ctx.extra.socket));
        if (!viewer) return false;
        if (registry.socketsOfUser(viewer.id) >= MAX_SOCKETS_PER_USER) {
          ctx.extra.socket.close(TOO_MANY, `At most ${MAX_SOCKETS_PER_USER} open sockets per account`);
          return false;
        }
        // Of the upgrade request only the address and the log's id are needed: the request (headers,
        // cookies) would otherwise live as long as the socket (docs/architecture.md §3).
        Object.assign(ctx.extra, { viewer, checkedAt: Date.now(), ip: clientIp(ctx.extra.request) });
        operationLog.opened(ctx);
        Reflect.deleteProperty(ctx.extra, 'request');
        registry.add(viewer, ctx.extra.socket);
        ctx.extra.expiry = setTimeout(
          () => ctx.extra.socket.close(SESSION_ENDED, 'Session expired'),
          Math.max(0, viewer.sessionExpiresAt.getTime() - Date.now()),
        ).unref();
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiry);
        if (ctx.extra.viewer) registry.remove(ctx.extra.viewer, ctx.extra.socket);
      },
      // One context per operation, so its loaders cache within it; subscriptions get fresh ones per event.
      context: (ctx): Context => {
        const viewer = ctx.extra.viewer ?? null;
        return { viewer, ip: ctx.extra.ip ?? clientIp(ctx.extra.request), services, loaders: createLoaders(services, viewer) };
      },
      subscribe: subscribeWithLoadersPerEvent,
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => maskError(e.toJSON(), e, log)) } : result,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => maskError(e.toJSON(), e, log) as GraphQLError),
    },
    wss,
  );

  // A session that ends on any instance closes its sockets on every instance: PostgreSQL announces it
  // to all of them, Redis or not. Sockets that only listen have their sessions checked every so
  // often, which also applies the idle expiry and covers announcements missed while disconnected.
  const sweep = async () => {
    const ids = registry.sessionIds();
    if (!ids.length) return;
    const live = await sessions.stillLive(ids).catch(() => null);
    for (const id of ids) if (live && !live.has(id)) registry.closeSession(id, SESSION_ENDED, 'Session ended');
  };
  const sweeper = setInterval(() => void sweep(), SESSION_SWEEP_MS).unref();
  const endedSessions = await listenForEndedSessions(system, {
    onEnded: (sessionId) => registry.closeSession(sessionId, SESSION_ENDED, 'Signed out'),
    onGap: () => void sweep(),
    log: (message) => log.warn(message),
  });

  return {
    /** Closes every socket with 1001 Going Away, which clients answer by reconnecting. */
    close: async () => {
      clearInterval(sweeper);
      await endedSessions.close();
      await wsServer.dispose();
    },
  };
}
