import { randomBytes } from 'node:crypto';
import { readLink, signLink } from '../../server/attachments/signed-links';
import { messageWithNotes } from '../../server/email/inbound';

const key = randomBytes(32);
const claims = {
  attachmentId: '0b7e9a52-4a3f-4c1e-9d2b-1f6a8c3e5d70',
  userId: 'c4d2f1e0-8b7a-4e6d-a5c4-b3a2918f7e6d',
  expiresAt: new Date('2030-01-08T12:00:00Z'),
};
const token = signLink(key, claims);
const before = new Date('2030-01-08T11:59:59Z');
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The token with one byte of the signed bytes changed: 0–15 the attachment, 16–31 the user, 32–35 the expiry, 36–51 the tag. */
const flipped = (at: number) => {
  const bytes = Buffer.from(token, 'base64url');
  bytes[at] ^= 0x01;
  return bytes.toString('base64url');
};

describe('signed links to attachments', () => {
  it('read back what they were signed with, until they expire', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{70}$/);
    expect(readLink(key, token, before)).toEqual({ kind: 'valid', attachmentId: claims.attachmentId, userId: claims.userId });
    expect(readLink(key, token, claims.expiresAt)).toEqual({ kind: 'expired' });
  });

  it.each([
    ['another attachment', flipped(3)],
    ['another recipient', flipped(20)],
    ['a later expiry', flipped(35)],
    ['a changed tag', flipped(51)],
    ['cut short', token.slice(0, -1)],
    ['made longer', `${token}A`],
    ['padded', `${token}==`],
    ['spelled another way (an unused low bit set)', token.slice(0, -1) + BASE64URL[BASE64URL.indexOf(token[69]) ^ 1]],
    ['not base64url', `${token.slice(0, -1)}+`],
    ['empty', ''],
    ['a UUID', claims.attachmentId],
  ])('refuse a token %s', (_case, tampered) => {
    expect(tampered).not.toBe(token);
    expect(readLink(key, tampered, before)).toEqual({ kind: 'invalid' });
  });

  it('are refused under another key, even once expired: an expired forgery is not told from any other', () => {
    expect(readLink(randomBytes(32), token, before)).toEqual({ kind: 'invalid' });
    expect(readLink(randomBytes(32), token, new Date('2031-01-01T00:00:00Z'))).toEqual({ kind: 'invalid' });
  });
});

describe('the text of a reply from mail, with its notes about files left out', () => {
  const notes = [
    'Not attached: a.exe (files of this type are not accepted).',
    'Not attached: b.exe (files of this type are not accepted).',
  ];
  it.each([
    ['text and no notes', 'Hello', [], 100, 'Hello'],
    ['text and notes', 'Hello', notes, 200, `Hello\n\n${notes[0]}\n${notes[1]}`],
    ['notes alone', '', notes, 200, `${notes[0]}\n${notes[1]}`],
    ['notes cut to fit, marked', 'Hello', notes, 80, `Hello\n\n${notes[0]}\n…`],
    ['no room for any note', 'Hello', notes, 10, 'Hello'],
  ])('%s', (_case, text, given, max, expected) => {
    expect(messageWithNotes(text, given, max)).toBe(expected);
  });
});
