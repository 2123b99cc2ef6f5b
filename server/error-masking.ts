import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ErrorCode } from './contract';
import { isDatabaseUnavailable, serviceUnavailable } from './db/unavailable';
import type { Logger } from './logger';

// Ours, and Apollo's refusals of requests that could not run.
const KNOWN_CODES = new Set<string>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.NOT_FOUND,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.RATE_LIMITED,
  ErrorCode.SERVICE_UNAVAILABLE,
  ErrorCode.BAD_REQUEST,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** The input field a GraphQL coercion error is about: `… at "input.category"` or `Variable "$id" …`. */
function coercionField(message: string): string | undefined {
  const path = /at "([^"]+)"/.exec(message)?.[1] ?? /^Variable "\$([^"]+)"/.exec(message)?.[1];
  return path
    ?.split('.')
    .pop()
    ?.replace(/\[\d+\]$/, '');
}

/** Errors we did not raise on purpose say nothing about the inside (SQL, stack) to the caller. */
export function maskError(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && KNOWN_CODES.has(code)) {
    const { stacktrace: _hidden, ...extensions } = formatted.extensions ?? {};
    if (code === ErrorCode.BAD_USER_INPUT && !extensions.field) extensions.field = coercionField(formatted.message);
    return { ...formatted, extensions };
  }
  // Apollo's refusals of malformed requests carry an HTTP status and no code.
  const status = (formatted.extensions?.http as { status?: number } | undefined)?.status;
  if (!code && status && status >= 400 && status < 500) {
    return { message: formatted.message, extensions: { code: ErrorCode.BAD_REQUEST } };
  }
  const cause = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (isDatabaseUnavailable(cause)) {
    log.warn({ err: cause }, 'database unavailable');
    const { message, extensions } = serviceUnavailable();
    return { message, path: formatted.path, extensions: { code: extensions.code, retryAfter: extensions.retryAfter } };
  }
  log.error({ err: cause, path: formatted.path }, 'unexpected error');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
