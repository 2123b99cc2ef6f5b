import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../contract';

// Connection failures and server shutdowns (SQLSTATE classes 08 and 57P), refused or broken sockets,
// the pool's own time-outs, and TypeORM's runner released under us when its connection died: the
// database is away, not the request wrong.
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connection error|Connection is not open|Client was closed|already released/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let cause = error as { code?: unknown; message?: unknown; driverError?: unknown; originalError?: unknown; cause?: unknown } | undefined,
      depth = 0;
    cause && depth < 5;
    depth++
  ) {
    if (typeof cause.code === 'string' && CODES.has(cause.code)) return true;
    if (typeof cause.message === 'string' && MESSAGES.test(cause.message)) return true;
    cause = (cause.driverError ?? cause.originalError ?? cause.cause) as typeof cause;
  }
  return false;
}

export const serviceUnavailable = () =>
  new GraphQLError('Lex Support cannot reach its database right now; please try again shortly', {
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryAfter: 5, http: { status: 503 } },
  });

/** A response the database could not serve is a 503 with Retry-After, so that clients and load balancers retry. */
export const unavailableStatus: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, errors }) {
        if (
          !errors?.some((error) => error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE || isDatabaseUnavailable(error.originalError))
        )
          return;
        response.http.status = 503;
        response.http.headers.set('retry-after', '5');
      },
    };
  },
};
