import express, { Response } from 'express';
import { MAX_RATING_COMMENT_LENGTH } from '../contract';
import { escapeHtml, page } from '../email/email-pages';
import { emailText, ratingScoreLabel, type EmailStringKey } from '../email/email-strings';
import { resolveLocale } from '../i18n';
import type { SupportTicket } from '../support/ticket.entity';
import { RATING_SCORES as SCORES, type RatingLinkResult, type RatingLinks } from './rating-links';

// Inline, as the page loads nothing else; light and dark follow the reader's system.
const STYLE = `<meta name="color-scheme" content="light dark"><style>
body{background:#fff;color:#1f2933}
fieldset{border:0;margin:1.5rem 0;padding:0}
legend{font-size:1.15rem;font-weight:600;margin-bottom:.75rem;padding:0}
.scores{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:.4rem}
.scores label{display:flex;flex-direction:column;align-items:center;gap:.25rem;padding:.6rem .2rem;border:1px solid #7b8794;border-radius:8px;text-align:center;cursor:pointer}
.scores label:has(input:checked){border-color:#2f5fc4;box-shadow:0 0 0 2px #2f5fc4}
.scores input{accent-color:#2f5fc4;width:1.1rem;height:1.1rem;margin:0}
.scores b{font-size:1.4rem;line-height:1.1}
.scores span{font-size:.85rem;line-height:1.2;hyphens:auto;overflow-wrap:anywhere}
label[for=comment]{display:block;font-weight:600;margin-bottom:.35rem}
textarea{box-sizing:border-box;width:100%;min-height:6rem;padding:.5rem;border:1px solid #7b8794;border-radius:6px;background:inherit;color:inherit;font:inherit}
button{margin-top:1rem;padding:.65rem 1.25rem;border:0;border-radius:6px;background:#2f5fc4;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.ticket{color:#52606d}.error{color:#b42318;font-weight:600}
@media (max-width:30rem){.scores{grid-template-columns:1fr}.scores label{flex-direction:row;gap:.75rem;padding:.55rem .75rem;text-align:left}.scores span{font-size:1rem}}
@media (prefers-color-scheme:dark){body{background:#15181c;color:#e8eaed}.ticket{color:#b8c0ca}.error{color:#ff9b8f}
.scores label:has(input:checked){border-color:#8fb0ff;box-shadow:0 0 0 2px #8fb0ff}}
</style>`;

/** A score from the address or the form: a whole number from 1 to 5, else none (the page asks). */
const scoreOf = (value: unknown) => {
  const score = typeof value === 'string' && /^\d$/.test(value) ? Number(value) : NaN;
  return SCORES.includes(score) ? score : undefined;
};

function ratingForm(locale: string, ticket: SupportTicket, chosen: number | undefined, comment = '', field?: 'score' | 'comment') {
  const say = (key: EmailStringKey) => escapeHtml(emailText(locale, key));
  const scoreError = field === 'score' ? `<p class="error" id="score-error">${say('email.rating.errors.score')}</p>` : '';
  const commentError = field === 'comment' ? `<p class="error" id="comment-error">${say('email.rating.errors.comment')}</p>` : '';
  const options = SCORES.map(
    (score) =>
      `<label><input type="radio" name="score" value="${score}" required${score === chosen ? ' checked' : ''}><b>${score}</b> <span>${escapeHtml(ratingScoreLabel(locale, score))}</span></label>`,
  ).join('');
  return (
    `<h1>${say('email.rating.title')}</h1><p class="ticket">#${ticket.ticketNumber} ${escapeHtml(ticket.subject)}</p>` +
    `<form method="post">` +
    `<fieldset${field === 'score' ? ' aria-describedby="score-error"' : ''}><legend>${say('email.rating.legend')}</legend>${scoreError}<div class="scores">${options}</div></fieldset>` +
    `<label for="comment">${say('email.rating.comment')}</label>${commentError}` +
    `<textarea id="comment" name="comment" maxlength="${MAX_RATING_COMMENT_LENGTH}"${field === 'comment' ? ' aria-invalid="true" aria-describedby="comment-error"' : ''}>${escapeHtml(comment)}</textarea>` +
    `<button type="submit">${say('email.rating.send')}</button></form>`
  );
}

/** The page of everything but the form: a title and a line. */
const notice = (locale: string, title: EmailStringKey, line?: EmailStringKey) =>
  `<h1>${escapeHtml(emailText(locale, title))}</h1>${line ? `<p>${escapeHtml(emailText(locale, line))}</p>` : ''}`;

/**
 * The rating links of closing emails, without signing in (docs/architecture.md §10). GET only shows
 * the form with the score of the link chosen, and records nothing: mail scanners and link previews
 * open every link in a mail, and a rating they sent would be the customer's one rating of that close.
 * Sending the form (POST) records it, as the recipient. Tampered, unknown or someone else's: 404;
 * expired: 403; both in the reader's language, and nothing changed.
 */
export function ratingLinksRouter(links: RatingLinks) {
  const router = express.Router();

  const show = (
    res: Response,
    result: RatingLinkResult,
    acceptLanguage: string | undefined,
    form?: { score?: number; comment?: string },
  ) => {
    res.setHeader('Cache-Control', 'no-store');
    const send = (status: number, locale: string, body: string) =>
      res
        .status(status)
        .type('html')
        .send(page(emailText(locale, 'email.rating.title'), body, locale, STYLE));
    switch (result.kind) {
      case 'invalid':
      case 'expired': {
        const locale = resolveLocale({ acceptLanguage });
        return send(
          result.kind === 'expired' ? 403 : 404,
          locale,
          notice(locale, 'email.rating.unavailable', `email.rating.${result.kind}`),
        );
      }
      case 'open':
        return send(
          result.field ? 422 : 200,
          result.locale,
          ratingForm(result.locale, result.ticket, form?.score, form?.comment, result.field),
        );
      case 'rated':
        return send(200, result.locale, notice(result.locale, 'email.rating.thanks', 'email.rating.thanksBody'));
      case 'alreadyRated':
        return send(200, result.locale, notice(result.locale, 'email.rating.already'));
      case 'notClosed':
        return send(409, result.locale, notice(result.locale, 'email.rating.unavailable', 'email.rating.reopened'));
    }
  };

  router.get('/email/rate/:token', async (req, res) => {
    show(res, await links.open(String(req.params.token)), req.headers['accept-language'], { score: scoreOf(req.query.score) });
  });
  router.post('/email/rate/:token', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const comment = typeof body.comment === 'string' ? body.comment : undefined;
    // A score that is not a whole number from 1 to 5 (or none) is refused by the rating itself, naming the field.
    const score = typeof body.score === 'string' && /^\d+$/.test(body.score) ? Number(body.score) : body.score;
    const result = await links.submit(String(req.params.token), { score, comment });
    show(res, result, req.headers['accept-language'], { score: scoreOf(body.score), comment });
  });
  return router;
}
