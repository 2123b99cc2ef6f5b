import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { i18n, intlLocale } from '../i18n';
import { MAX_CANNED_TITLE_LENGTH, MAX_RATING_COMMENT_LENGTH } from '../../../server/contract';
import { MESSAGE_MAX, SUBJECT_MAX } from '../support/status';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
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

// The server's limits, named in the messages about the fields they apply to.
const FIELD_LIMITS: Record<string, number> = {
  subject: SUBJECT_MAX,
  message: MESSAGE_MAX,
  title: MAX_CANNED_TITLE_LENGTH,
  body: MESSAGE_MAX,
  comment: MAX_RATING_COMMENT_LENGTH,
};

/**
 * The message for a refused input field, in the app's language: the server's codes and field names
 * are the contract, its English message is for tools and logs.
 */
const fieldName = (raw: unknown) => (typeof raw === 'string' ? raw.replace(/^input\./, '') : '');

function inputMessage(field: string): string {
  const max = FIELD_LIMITS[field];
  const vars = max === undefined ? {} : { max: max.toLocaleString(intlLocale()) };
  return i18n.exists(`errors.input.${field}`) ? i18n.t(`errors.input.${field}`, vars) : i18n.t('errors.input.default');
}

/**
 * Field errors from BAD_USER_INPUT (`extensions.field` names the input field,
 * e.g. "subject"), keyed by that field. Errors without a field go under "".
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of graphQLErrors(error)) {
    if (e.extensions?.code !== 'BAD_USER_INPUT') continue;
    const field = fieldName(e.extensions?.field);
    if (!(field in out)) out[field] = inputMessage(field);
  }
  return out;
}

/** A sentence a person can act on, in the app's language. */
export function friendlyMessage(error: unknown): string {
  switch (errorCode(error)) {
    case undefined:
      return '';
    case 'NETWORK':
      return i18n.t('errors.NETWORK');
    case 'UNAUTHENTICATED':
      return i18n.t('errors.UNAUTHENTICATED');
    case 'FORBIDDEN':
    case 'NOT_FOUND':
      return i18n.t('errors.NOT_FOUND');
    case 'RATE_LIMITED':
      return i18n.t('errors.RATE_LIMITED');
    case 'SERVICE_UNAVAILABLE':
      return i18n.t('errors.SERVICE_UNAVAILABLE');
    case 'BAD_USER_INPUT':
      return inputMessage(fieldName(graphQLErrors(error)[0]?.extensions?.field));
    default:
      return i18n.t('errors.INTERNAL');
  }
}
