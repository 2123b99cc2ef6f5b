import { MAX_RATING_COMMENT_LENGTH, MAX_RATING_SCORE, MIN_RATING_SCORE } from '../contract';
import { badInput } from '../errors';
import { refuseNul } from '../support/support-input';

/** A score is a whole number from 1 to 5 (docs/architecture.md §10). */
export function requireScore(score: unknown): number {
  if (typeof score !== 'number' || !Number.isInteger(score) || score < MIN_RATING_SCORE || score > MAX_RATING_SCORE)
    throw badInput('score', `score must be a whole number from ${MIN_RATING_SCORE} to ${MAX_RATING_SCORE}`);
  return score;
}

/** A comment is optional: trimmed, and nothing left is no comment; at most 2,000 characters. */
export function requireComment(comment: string | null | undefined): string | null {
  if (comment == null) return null;
  const text = refuseNul('comment', comment).trim();
  if (text.length > MAX_RATING_COMMENT_LENGTH)
    throw badInput('comment', `comment must be at most ${MAX_RATING_COMMENT_LENGTH.toLocaleString('en')} characters`);
  return text || null;
}
