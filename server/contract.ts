import { CloseCode } from 'graphql-ws';

/**
 * The contract's fixed names and numbers, in one place: what clients, the database and the tests
 * rely on (docs/architecture.md). Change one here and everything that depends on it follows.
 */

/** Longest ticket subject, in characters. */
export const MAX_SUBJECT_LENGTH = 200;
/** Longest message (a ticket's first message or a reply), in characters. */
export const MAX_MESSAGE_LENGTH = 10_000;
/** Longest `SupportReply.excerpt` (a message's first line, for lists), in characters. */
export const MAX_EXCERPT_LENGTH = 120;
/** Longest canned reply title, in characters; its body is at most MAX_MESSAGE_LENGTH, as a reply is. */
export const MAX_CANNED_TITLE_LENGTH = 100;
/** The `{{variables}}` a canned reply may use, filled in when it is inserted into the composer. */
export const CANNED_REPLY_VARIABLES = ['customer.name', 'customer.firstName', 'ticket.number', 'agent.name'] as const;
/** Most tickets one page of a list may ask for (`first`). */
export const MAX_PAGE_SIZE = 100;
/** A search counts its matches up to this many; past it, `totalCountCapped` (docs/architecture.md §8, "Search"). */
export const SEARCH_COUNT_CAP = 1000;
/** The most of a customer's other tickets one `customerTickets` returns (the team's ticket page shows a few). */
export const MAX_CUSTOMER_TICKETS = 10;
/** Replies of one conversation per read (`last`): by default 200 (a whole ordinary conversation), at most 500. */
export const REPLIES_PAGE_SIZE = 200;
export const MAX_REPLIES_PAGE_SIZE = 500;

/** The codes errors carry in `extensions.code`. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  RATE_LIMITED: 'RATE_LIMITED',
  /** The database is away; `extensions.retryAfter` says when to try again. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** A request that is not GraphQL at all (not JSON, too large). */
  BAD_REQUEST: 'BAD_REQUEST',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

// WebSocket close codes the server sends besides graphql-ws's own protocol errors: graphql-ws's
// `CloseCode` where it has one that fits, else WebSocket's own (RFC 6455, IANA registry).

/** The socket's session ended, expired or went idle: sign in again. */
export const SESSION_ENDED = CloseCode.Forbidden;
/** WebSocket's "Try Again Later": clients reconnect, where graphql-ws's 4500 would tell them to give up. */
export const TRY_AGAIN_LATER = 1013;
/** WebSocket's "Message Too Big": `ws` sends it itself for a frame over the server's limit. */
export const MESSAGE_TOO_BIG = 1009;
/** Too many messages on a socket, or too many sockets for one account: graphql-ws's code for one request too many. */
export const TOO_MANY = CloseCode.TooManyInitialisationRequests;

/** The database role row-level security applies to: every table grant of the server is to it. */
export const APP_ROLE = 'lex_support_app';
/**
 * The login role the server connects as, when `DATABASE_APP_URL` does not name another: a member of
 * APP_ROLE that owns nothing and cannot become the owner (server/db/app-login.ts).
 */
export const APP_LOGIN_ROLE = 'lex_support_app_login';

/** Files attached to one message (a new ticket's or a reply's), at most. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
/** Largest file, in MB, when `ATTACHMENT_MAX_MB` is unset. */
export const DEFAULT_ATTACHMENT_MAX_MB = 25;
/** Longest stored file name, in characters. */
export const MAX_FILE_NAME_LENGTH = 255;
/** Width of image thumbnails, in pixels. */
export const THUMBNAIL_WIDTH = 320;
/** Links to attachments in emails work for this many days after the email was written. */
export const ATTACHMENT_LINK_DAYS = 7;
/** Uploads never attached to a message are deleted after this many hours. */
export const UNATTACHED_UPLOAD_HOURS = 24;
/** Satisfaction scores run from 1 (very poor) to 5 (excellent); `rateTicket` takes whole numbers only. */
export const MIN_RATING_SCORE = 1;
export const MAX_RATING_SCORE = 5;
/** Longest comment with a rating, in characters (after trimming). */
export const MAX_RATING_COMMENT_LENGTH = 2000;
/** The rating links of a closing email work for this many days after the email was written. */
export const RATING_LINK_DAYS = 14;
