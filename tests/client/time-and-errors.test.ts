import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { errorCode, fieldErrors, friendlyMessage } from '../../client/src/lib/errors';
import { formatRelative } from '../../client/src/lib/time';
import { i18n } from '../../client/src/i18n';
import { validateNewTicket } from '../../client/src/support/NewTicketPage';

describe('relative times', () => {
  const now = Date.parse('2025-03-10T12:00:00.000Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  it.each([
    [10_000, 'just now'],
    [-5_000, 'just now'],
    [60_000, '1 minute ago'],
    [3 * 60_000, '3 minutes ago'],
    [59 * 60_000, '59 minutes ago'],
    [2 * 3_600_000, '2 hours ago'],
    [30 * 3_600_000, 'yesterday'],
    [5 * 86_400_000, '5 days ago'],
  ])('%i ms ago reads "%s"', (ms, text) => {
    expect(formatRelative(ago(ms), now)).toBe(text);
  });

  it('falls back to a date after a week', () => {
    expect(formatRelative('2025-02-01T12:00:00.000Z', now)).toBe('1 Feb');
    expect(formatRelative('2023-02-01T12:00:00.000Z', now)).toBe('1 Feb 2023');
  });

  it.each([
    [10_000, 'zojuist'],
    [3 * 60_000, '3 minuten geleden'],
    [2 * 3_600_000, '2 uur geleden'],
    [30 * 3_600_000, 'gisteren'],
    [5 * 86_400_000, '5 dagen geleden'],
  ])('in Dutch, %i ms ago reads "%s"', (ms, text) => {
    expect(formatRelative(ago(ms), now, 'nl')).toBe(text);
  });

  it('writes dates the Dutch way in Dutch', () => {
    expect(formatRelative('2023-02-01T12:00:00.000Z', now, 'nl')).toBe('1 feb 2023');
  });

  it('moves on as the clock ticks', () => {
    const at = ago(0);
    expect(formatRelative(at, now)).toBe('just now');
    expect(formatRelative(at, now + 5 * 60_000)).toBe('5 minutes ago');
  });
});

describe('server errors', () => {
  const gqlError = (code: string, extra: Record<string, unknown> = {}, message = 'Subject is too long') =>
    new CombinedGraphQLErrors({ errors: [{ message, extensions: { code, ...extra } }] });

  it('reads the error code', () => {
    expect(errorCode(gqlError('NOT_FOUND'))).toBe('NOT_FOUND');
    expect(errorCode(new Error('Failed to fetch'))).toBe('NETWORK');
    expect(errorCode(undefined)).toBeUndefined();
  });

  it('maps BAD_USER_INPUT to the offending field', () => {
    expect(fieldErrors(gqlError('BAD_USER_INPUT', { field: 'subject' }))).toEqual({
      subject: 'Enter a subject of at most 200 characters.',
    });
    expect(fieldErrors(gqlError('BAD_USER_INPUT', { field: 'input.message' }, 'Message is required'))).toEqual({
      message: 'Enter a message of at most 10,000 characters.',
    });
    expect(fieldErrors(gqlError('BAD_USER_INPUT', { field: 'first' }))).toEqual({ first: 'Please check what you entered.' });
    expect(fieldErrors(gqlError('FORBIDDEN'))).toEqual({});
  });

  it("shows the message for a code and field in the app's language, not the server's English", async () => {
    await i18n.changeLanguage('nl');
    try {
      expect(fieldErrors(gqlError('BAD_USER_INPUT', { field: 'message' }))).toEqual({
        message: 'Vul een bericht in van maximaal 10.000 tekens.',
      });
      expect(friendlyMessage(gqlError('BAD_USER_INPUT', { field: 'locale' }))).toBe('Kies English of Nederlands.');
      expect(friendlyMessage(gqlError('NOT_FOUND'))).toBe('Deze pagina bestaat niet of je hebt er geen toegang toe.');
      expect(friendlyMessage(new Error('Failed to fetch'))).toMatch(/verbinding/);
      expect(friendlyMessage(gqlError('SERVICE_UNAVAILABLE'))).toBe('Lex Support is even niet bereikbaar. Probeer het zo opnieuw.');
    } finally {
      await i18n.changeLanguage('en');
    }
  });

  it('says something a person can act on', () => {
    expect(friendlyMessage(gqlError('RATE_LIMITED'))).toMatch(/wait a minute/);
    expect(friendlyMessage(new Error('Failed to fetch'))).toMatch(/connection/);
  });
});

describe('new ticket form checks', () => {
  it('requires subject, category and message', () => {
    expect(validateNewTicket({ subject: ' ', category: '', message: '' })).toEqual({
      subject: expect.any(String),
      category: expect.any(String),
      message: expect.any(String),
    });
  });
  it('limits the subject to 200 characters', () => {
    expect(validateNewTicket({ subject: 'x'.repeat(201), category: 'OTHER', message: 'm' })).toHaveProperty('subject');
    expect(validateNewTicket({ subject: 'x'.repeat(200), category: 'OTHER', message: 'm' })).toEqual({});
  });
});
