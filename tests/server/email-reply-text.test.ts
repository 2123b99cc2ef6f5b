import { replyText } from '../../server/email/reply-text';
import { REPLY_FIXTURES } from './fixtures/email-replies';

test.each(REPLY_FIXTURES)('$name: only what the person wrote is kept', ({ text, expected }) => {
  expect(replyText(text)).toBe(expected);
});

test('a line that merely mentions "from" or "on" is kept', () => {
  const text = 'From: the export page, nothing happens.\nOn Tuesdays it works.';
  expect(replyText(text)).toBe(text);
});
