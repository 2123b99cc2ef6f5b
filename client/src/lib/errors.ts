import { CombinedGraphQLErrors } from '@apollo/client/errors';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR'
  | 'NETWORK';

interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown> | null;
}

function graphQLErrors(error: unknown): readonly GraphQLErrorLike[] {
  if (CombinedGraphQLErrors.is(error)) return error.errors as readonly GraphQLErrorLike[];
  return [];
}

/** The first `extensions.code` of a GraphQL error, or NETWORK for anything else. */
export function errorCode(error: unknown): ErrorCode | string | undefined {
  if (!error) return undefined;
  const errs = graphQLErrors(error);
  if (errs.length === 0) return 'NETWORK';
  const code = errs[0].extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * Field errors from BAD_USER_INPUT (`extensions.field` names the input field,
 * e.g. "subject"), keyed by that field. Errors without a field go under "".
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of graphQLErrors(error)) {
    if (e.extensions?.code !== 'BAD_USER_INPUT') continue;
    const raw = e.extensions?.field;
    const field = typeof raw === 'string' ? raw.replace(/^input\./, '') : '';
    if (!(field in out)) out[field] = e.message;
  }
  return out;
}

/** A sentence a person can act on. */
export function friendlyMessage(error: unknown): string {
  switch (errorCode(error)) {
    case undefined:
      return '';
    case 'NETWORK':
      return 'We could not reach Lex Support. Check your connection and try again.';
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Please sign in again.';
    case 'FORBIDDEN':
    case 'NOT_FOUND':
      return 'This page does not exist or you do not have access to it.';
    case 'RATE_LIMITED':
      return 'Too many attempts. Please wait a minute and try again.';
    case 'BAD_USER_INPUT':
      return graphQLErrors(error)[0]?.message ?? 'Please check what you entered.';
    default:
      return 'Something went wrong on our side. Please try again.';
  }
}
