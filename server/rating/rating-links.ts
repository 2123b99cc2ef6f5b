import { DataSource } from 'typeorm';
import type { Role } from '../accounts/user.entity';
import type { SessionService } from '../auth/session.service';
import { MAX_RATING_SCORE, MIN_RATING_SCORE, RATING_LINK_DAYS } from '../contract';
import type { SigningKeys } from '../security/signing-keys';
import { TokenKind, readToken, signToken, uuidBytes, uuidOf } from '../security/signed-tokens';
import { isUuid } from '../support/support-input';
import type { SupportTicket } from '../support/ticket.entity';
import type { RatingInput, Ratings } from './ratings';

/** What a rating link is for: one recipient rating one close of one ticket (its `closed_at`, to the millisecond). */
export interface RatingLinkClaims {
  ticketId: string;
  userId: string;
  closedAt: Date;
  expiresAt: Date;
}

export type RatingLinkReading = ({ kind: 'valid' } & Omit<RatingLinkClaims, 'expiresAt'>) | { kind: 'expired' } | { kind: 'invalid' };

/** Every score, 1 to 5. */
export const RATING_SCORES = Array.from({ length: MAX_RATING_SCORE - MIN_RATING_SCORE + 1 }, (_, i) => MIN_RATING_SCORE + i);

type ValidReading = Extract<RatingLinkReading, { kind: 'valid' }>;

const RATING_LINK: TokenKind = { label: 'lex-support rating link v1\0', bytes: 16 + 16 + 8 };

export function signRatingLink(key: Buffer, { ticketId, userId, closedAt, expiresAt }: RatingLinkClaims): string {
  if (!isUuid(ticketId) || !isUuid(userId)) throw new Error('A rating link names a ticket and a user by their UUIDs');
  const close = Buffer.alloc(8);
  close.writeBigUInt64BE(BigInt(closedAt.getTime()));
  return signToken(key, RATING_LINK, Buffer.concat([uuidBytes(ticketId), uuidBytes(userId), close]), expiresAt);
}

export function readRatingLink(key: Buffer, token: string, now: Date): RatingLinkReading {
  const reading = readToken(key, RATING_LINK, token, now);
  if (reading.kind !== 'valid') return reading;
  const { claims } = reading;
  return {
    kind: 'valid',
    ticketId: uuidOf(claims.subarray(0, 16)),
    userId: uuidOf(claims.subarray(16, 32)),
    closedAt: new Date(Number(claims.readBigUInt64BE(32))),
  };
}

/** The recipient of a link as the pages need them: who acts, and in which language. */
interface Recipient {
  id: string;
  role: Role;
  name: string;
  email: string;
  tenantId: string | null;
  locale: string;
}

/** What a link shows: the form, or why not. */
export type RatingLinkState =
  | { kind: 'invalid' }
  | { kind: 'expired' }
  | { kind: 'open'; locale: string; ticket: SupportTicket }
  | { kind: 'alreadyRated'; locale: string }
  | { kind: 'notClosed'; locale: string };

/** What a link shows, or what sending its form did: a refused field keeps the form open with its error. */
export type RatingLinkResult =
  | Exclude<RatingLinkState, { kind: 'open' }>
  | { kind: 'rated'; locale: string }
  | { kind: 'open'; locale: string; ticket: SupportTicket; field?: 'score' | 'comment' };

/** Makes and reads the rating links of closing emails (docs/architecture.md §10), under the server's key. */
export class RatingLinkSigner {
  constructor(private readonly keys: SigningKeys) {}

  /** When links made now stop working: RATING_LINK_DAYS later. */
  expiryFrom(now: Date): Date {
    return new Date(now.getTime() + RATING_LINK_DAYS * 24 * 60 * 60 * 1000);
  }

  /** The paths (from the public origin) that rate the ticket's current close 1 to 5, for `recipientId`. */
  async pathsFor(ticket: Pick<SupportTicket, 'id' | 'closedAt'>, recipientId: string, expiresAt: Date) {
    if (!ticket.closedAt) throw new Error('Only a closed ticket has rating links');
    const claims = { ticketId: ticket.id, userId: recipientId, closedAt: ticket.closedAt, expiresAt };
    const token = signRatingLink(await this.keys.key('rating-links'), claims);
    return RATING_SCORES.map((score) => ({ score, path: `/email/rate/${token}?score=${score}` }));
  }

  async read(token: string, now: Date): Promise<RatingLinkReading> {
    return readRatingLink(await this.keys.key('rating-links'), token, now);
  }
}

/**
 * The pages of the rating links (docs/architecture.md §10): signed for the recipient and the close
 * they rate, no sign-in. What a page shows and the rating it sends are read and written as the
 * recipient, in a session of their own (`SessionService.actAs`), through the same scoped queries and
 * row-level security as in the app; the close in the token is what makes a link single-use per close.
 */
export class RatingLinks {
  constructor(
    private readonly signer: RatingLinkSigner,
    private readonly ratings: Ratings,
    private readonly sessions: Pick<SessionService, 'actAs'>,
    /** The owner's connections: the recipient's account is read for no session. */
    private readonly system: DataSource,
  ) {}

  /** What opening a link shows (GET): reads only, as mail scanners open links too. */
  async open(token: string, now = new Date()): Promise<RatingLinkState> {
    return this.asRecipient(token, now, (reading, recipient, sessionKey) => this.stateOf(reading, recipient, sessionKey));
  }

  /** Sends the form (POST): the rating of the link's close. */
  async submit(token: string, input: RatingInput, now = new Date()): Promise<RatingLinkResult> {
    return this.asRecipient(token, now, async (reading, recipient, sessionKey): Promise<RatingLinkResult> => {
      try {
        const outcome = await this.ratings.rate({ ...recipient, sessionKey }, reading.ticketId, reading.closedAt, input);
        return { kind: outcome.kind, locale: recipient.locale };
      } catch (error) {
        const { code, field } = (error as { extensions?: { code?: unknown; field?: unknown } }).extensions ?? {};
        if (field === 'score' || field === 'comment') {
          const state = await this.stateOf(reading, recipient, sessionKey);
          return state.kind === 'open' ? { ...state, field } : state;
        }
        // Someone else's ticket, one that is gone, or a recipient who may not rate: a link to nothing.
        if (code === 'NOT_FOUND' || code === 'FORBIDDEN') return { kind: 'invalid' };
        throw error;
      }
    });
  }

  private async stateOf(reading: ValidReading, recipient: Recipient, sessionKey: string): Promise<RatingLinkState> {
    const found = await this.ratings.linkedTicket({ ...recipient, sessionKey }, reading.ticketId, reading.closedAt);
    if (!found) return { kind: 'invalid' };
    const { locale } = recipient;
    if (found.rated) return { kind: 'alreadyRated', locale };
    if (found.ticket.closedAt?.getTime() !== reading.closedAt.getTime()) return { kind: 'notClosed', locale };
    return { kind: 'open', locale, ticket: found.ticket };
  }

  private async asRecipient<T>(
    token: string,
    now: Date,
    work: (reading: ValidReading, recipient: Recipient, sessionKey: string) => Promise<T>,
  ): Promise<T | { kind: 'invalid' } | { kind: 'expired' }> {
    const reading = await this.signer.read(token, now);
    if (reading.kind !== 'valid') return reading;
    const [recipient]: Recipient[] = await this.system.query(
      `SELECT id, role, name, email, tenant_id AS "tenantId", locale FROM users WHERE id = $1`,
      [reading.userId],
    );
    if (!recipient) return { kind: 'invalid' };
    return this.sessions.actAs(recipient.id, (sessionKey) => work(reading, recipient, sessionKey));
  }
}
