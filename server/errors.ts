import { GraphQLError } from 'graphql';
import { ErrorCode } from './contract';

function error(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const unauthenticated = (message = 'You need to sign in') => error(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You may not do this') => error(ErrorCode.FORBIDDEN, message);
/** Also what a customer gets for someone else's ticket: it must look like a ticket that does not exist. */
export const notFound = (what = 'Ticket') => error(ErrorCode.NOT_FOUND, `${what} not found`);
export const badInput = (field: string, message: string) => error(ErrorCode.BAD_USER_INPUT, message, { field });

/** A plain Error with a message fit for a command-line user. */
export class UsageError extends Error {}
