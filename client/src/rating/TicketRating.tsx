import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { MAX_RATING_COMMENT_LENGTH, MAX_RATING_SCORE, MIN_RATING_SCORE } from '../../../server/contract';
import { Button, Card, MessageText, RelativeTime, TextAreaField } from '../design';
import { RateTicketDocument, TicketRatingDocument, TicketRatingUpdatedDocument, type TicketStatus } from '../gql/graphql';
import { fieldErrors, friendlyMessage } from '../lib/errors';
import { useAnnounce } from '../shell/announcer';
import './rating.css';

const SCORES = Array.from({ length: MAX_RATING_SCORE - MIN_RATING_SCORE + 1 }, (_, i) => MIN_RATING_SCORE + i);

interface Rating {
  score: number;
  comment: string | null;
  createdAt: string;
}

/**
 * The satisfaction rating on a ticket page (docs/architecture.md §10): the customer of a closed ticket
 * is asked to rate it, then sees what they gave; the Lex team sees the rating. Read from the ticket
 * page's own query, and again on every change of the ticket (a rating arriving, a new close).
 */
export function TicketRating({ ticketId, status, admin }: { ticketId: string; status: TicketStatus; admin: boolean }) {
  const { data } = useQuery(TicketRatingDocument, { variables: { id: ticketId } });
  useSubscription(TicketRatingUpdatedDocument, { variables: { ticketId } });
  const rating = data?.supportTicket?.rating ?? null;
  if (admin) return rating ? <RatingSummary rating={rating} team /> : null;
  if (status !== 'CLOSED') return null;
  return rating ? <RatingSummary rating={rating} team={false} /> : <RatingPrompt ticketId={ticketId} />;
}

function RatingSummary({ rating, team }: { rating: Rating; team: boolean }) {
  const { t } = useTranslation();
  const label = t(`rating.scores.score${rating.score}`);
  return (
    <Card as="section" className="rating rating--done" aria-labelledby="rating-title">
      <h2 id="rating-title" className="rating__title">
        {t(team ? 'rating.teamTitle' : 'rating.youRated')}
      </h2>
      <p className="rating__score">
        <span className="rating__stars" aria-hidden="true">
          {SCORES.map((score) => (score <= rating.score ? '★' : '☆')).join('')}
        </span>{' '}
        {t('rating.scoreOf', { score: rating.score, max: MAX_RATING_SCORE, label })}{' '}
        <span className="rating__when">
          <RelativeTime iso={rating.createdAt} />
        </span>
      </p>
      {rating.comment && (
        <blockquote className="rating__comment">
          <MessageText text={rating.comment} />
        </blockquote>
      )}
      {!team && <p className="rating__thanks">{t('rating.thanks')}</p>}
    </Card>
  );
}

function RatingPrompt({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const name = useId();
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [rate, { loading }] = useMutation(RateTicketDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (score === null) return setErrors({ score: t('errors.input.score') });
    setErrors({});
    try {
      await rate({ variables: { id: ticketId, score, comment: comment.trim() || null } });
      announce(t('rating.thanks'));
    } catch (err) {
      const byField = fieldErrors(err);
      setErrors(Object.keys(byField).length ? byField : { '': friendlyMessage(err) });
    }
  }

  const scoreError = errors.score;
  const otherError = errors.id ?? errors[''];
  return (
    <Card as="section" className="rating" aria-labelledby="rating-title">
      <h2 id="rating-title" className="rating__title">
        {t('rating.promptTitle')}
      </h2>
      <p className="rating__intro">{t('rating.promptBody')}</p>
      <form className="rating__form" onSubmit={(event) => void submit(event)} noValidate>
        <fieldset className="rating__scores" aria-describedby={scoreError ? `${name}-score-error` : undefined}>
          <legend className="rating__legend">{t('rating.legend')}</legend>
          <div className="rating__options">
            {SCORES.map((value) => (
              <label key={value} className="rating__option">
                <input type="radio" name={name} value={value} checked={score === value} onChange={() => setScore(value)} />
                <span className="rating__number">{value}</span>
                <span className="rating__label">{t(`rating.scores.score${value}`)}</span>
              </label>
            ))}
          </div>
          {scoreError && (
            <p className="field__error" id={`${name}-score-error`} role="alert">
              {scoreError}
            </p>
          )}
        </fieldset>
        <TextAreaField
          label={t('rating.comment')}
          value={comment}
          onChange={(event) => setComment(event.target.value)}
          maxChars={MAX_RATING_COMMENT_LENGTH}
          error={errors.comment}
          rows={3}
        />
        {otherError && (
          <p className="field__error" role="alert">
            {otherError}
          </p>
        )}
        <div className="rating__actions">
          <Button type="submit" loading={loading}>
            {t('rating.send')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
