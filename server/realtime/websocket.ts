import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { GraphQLError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import type { Viewer } from '../auth/viewer';
import { Context, Services, createLoaders } from '../context';
import { SESSION_ENDED, TRY_AGAIN_LATER } from '../contract';
import { isDatabaseUnavailable } from '../db/unavailable';
import { maskError } from '../error-masking';
import type { Logger } from '../logger';
import { wsOperationLog } from '../ops/request-log';
import { checkOperation } from '../security/graphql-limits';
import type { EventBus } from './pubsub';
import { topics } from './topics';

const SERVER_MESSAGES = new Set(['connection_ack', 'next', 'error']);

function sentByServerOnly(data: RawData): boolean {
  try {
    return SERVER_MESSAGES.has(JSON.parse(String(data))?.type);
  } catch {
    return false; // not JSON: graphql-ws closes it with 4400 itself
  }
}

export interface LiveUpdatesDeps {
  server: Server;
  schema: GraphQLSchema;
  services: Services;
  bus: EventBus;
  publicOrigins: string[];
  authenticate(headers: IncomingHttpHeaders): Promise<Viewer | null>;
  clientIp(request: IncomingMessage): string;
  log: Logger;
}

/**
 * graphql-ws on the HTTP server's port at /graphql: browsers only from allowed origins (tools send
 * no Origin), signed in at connection_init (cookie or `authorization` param), rate-limited per
 * address, and closed when their session ends on any instance or expires.
 */
export async function startLiveUpdates({ server, schema, services, bus, publicOrigins, authenticate, clientIp, log }: LiveUpdatesDeps) {
  const { sessions, rateLimits } = services;
  const operationLog = wsOperationLog(log);
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    // As over HTTP: room for a 10,000-character message, not for megabytes.
    maxPayload: 2 * 1024 * 1024,
    verifyClient: ({ origin, req }: { origin?: string; req: IncomingMessage }, done: (ok: boolean, code?: number) => void) => {
      if (origin && !publicOrigins.includes(origin)) return done(false, 403);
      rateLimits.consume('socketConnect', clientIp(req)).then(() => done(true), () => done(false, 429));
    },
  });
  // Before graphql-ws sees a message: a socket that floods the server is closed, and so is one that
  // sends what only a server may send (graphql-ws would call that an internal error, 4500).
  wss.on('connection', (socket, request) => {
    const ip = clientIp(request);
    socket.on('message', (data) => {
      if (sentByServerOnly(data)) socket.close(4400, 'Invalid message received');
      rateLimits.consume('socketMessage', ip).catch(() => socket.close(4429, 'Too many messages'));
    });
  });

  const socketsBySession = new Map<string, Set<WebSocket>>();
  const untrack = (sessionId: string, socket: WebSocket) => {
    const sockets = socketsBySession.get(sessionId);
    sockets?.delete(socket);
    if (sockets?.size === 0) socketsBySession.delete(sessionId);
  };
  type SocketExtra = { viewer?: Viewer; expiry?: NodeJS.Timeout };
  const wsServer = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema,
      onSubscribe: (ctx, id, payload) => {
        operationLog.onSubscribe(ctx, id, payload);
        return checkOperation(schema, payload);
      },
      onComplete: operationLog.onComplete,
      onConnect: async (ctx) => {
        const param = ctx.connectionParams?.authorization;
        const viewer = await authenticate(typeof param === 'string' ? { authorization: param } : ctx.extra.request.headers).catch((error) => {
          if (!isDatabaseUnavailable(error)) throw error;
          // The session cannot be checked now, which is no reason to refuse it for good. graphql-ws's
          // own close after `false` (4403) then finds the socket closing and changes nothing.
          ctx.extra.socket.close(TRY_AGAIN_LATER, 'Service unavailable, try again later');
          return null;
        });
        if (!viewer) return false;
        ctx.extra.viewer = viewer;
        const sockets = socketsBySession.get(viewer.sessionId) ?? new Set();
        socketsBySession.set(viewer.sessionId, sockets.add(ctx.extra.socket));
        ctx.extra.expiry = setTimeout(
          () => ctx.extra.socket.close(SESSION_ENDED, 'Session expired'),
          Math.max(0, viewer.sessionExpiresAt.getTime() - Date.now()),
        ).unref();
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiry);
        if (ctx.extra.viewer) untrack(ctx.extra.viewer.sessionId, ctx.extra.socket);
      },
      // Each event of a subscription is resolved afresh: the loaders batch but do not cache.
      context: (ctx): Context => {
        const viewer = ctx.extra.viewer ?? null;
        return { viewer, ip: clientIp(ctx.extra.request), services, loaders: createLoaders(services, viewer, { cache: false }) };
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => maskError(e.toJSON(), e, log)) } : result,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => maskError(e.toJSON(), e, log) as GraphQLError),
    },
    wss,
  );

  // A session that ends on any instance closes its sockets on every instance: this one's at once,
  // even when Redis is down, the others' through Redis.
  const closeSessions = (sessionIds: string[]) => {
    for (const id of sessionIds) for (const socket of socketsBySession.get(id) ?? []) socket.close(SESSION_ENDED, 'Signed out');
  };
  sessions.onRevoked((sessionIds) => {
    closeSessions(sessionIds);
    bus.publish(topics.revokedSessions, { sessionIds }).catch((err) => log.error({ err }, 'could not announce revoked sessions'));
  });
  const revocations = await bus.stream<{ sessionIds: string[] }>(topics.revokedSessions);
  void (async () => {
    for await (const { sessionIds } of revocations) closeSessions(sessionIds);
  })();

  return {
    /** Closes every socket with 1001 Going Away, which clients answer by reconnecting. */
    close: async () => {
      await revocations.return?.();
      await wsServer.dispose();
    },
  };
}
