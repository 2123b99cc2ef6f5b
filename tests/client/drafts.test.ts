import {
  clearDraft,
  DRAFT_MAX_CHARS,
  draftKey,
  isEmptyDraft,
  parseDraft,
  readDraft,
  serializeDraft,
  writeDraft,
} from '../../client/src/drafts/drafts';

const reply = { text: '', mode: 'reply' };

describe('drafts in localStorage', () => {
  beforeEach(() => localStorage.clear());

  it('keys a draft by person and place', () => {
    expect(draftKey('u1', 'ticket:t1')).toBe('lex.draft.v1:u1:ticket:t1');
    expect(draftKey('u2', 'ticket:t1')).not.toBe(draftKey('u1', 'ticket:t1'));
  });

  it.each<[string, string | null, typeof reply | null]>([
    ['nothing stored', null, null],
    ['an empty string', '', null],
    ['broken JSON', '{"text": "hal', null],
    ['JSON that is not an object', '"just text"', null],
    ['an array', '["a"]', null],
    ['null', 'null', null],
    ['an older shape without text', '{"body":"old"}', null],
    ['only white space', '{"text":"  \\n ","mode":"note"}', null],
    ['a full draft', '{"text":"Hello","mode":"note"}', { text: 'Hello', mode: 'note' }],
    ['a missing field (the default)', '{"text":"Hello"}', { text: 'Hello', mode: 'reply' }],
    ['a field of the wrong type (the default)', '{"text":"Hello","mode":3}', { text: 'Hello', mode: 'reply' }],
    ['extra fields (dropped)', '{"text":"Hi","mode":"reply","x":1}', { text: 'Hi', mode: 'reply' }],
  ])('reads %s', (_, raw, expected) => {
    expect(parseDraft(raw, reply)).toEqual(expected);
  });

  it.each<[string, Record<string, string>, number, string | null]>([
    ['an empty reply', { text: '', mode: 'note' }, DRAFT_MAX_CHARS, null],
    ['a category alone', { subject: ' ', category: 'BILLING', message: '' }, DRAFT_MAX_CHARS, null],
    ['a reply', { text: 'Hi', mode: 'reply' }, DRAFT_MAX_CHARS, '{"text":"Hi","mode":"reply"}'],
    ['a draft past the cap', { text: 'x'.repeat(50) }, 40, null],
  ])('stores %s', (_, draft, max, expected) => {
    expect(serializeDraft(draft, max)).toBe(expected);
  });

  it('counts text in any of the text fields', () => {
    expect(isEmptyDraft({ subject: '', message: 'm' })).toBe(false);
    expect(isEmptyDraft({ subject: 's', message: '' })).toBe(false);
    expect(isEmptyDraft({ mode: 'note' })).toBe(true);
  });

  it('writes, reads back and removes a draft; an empty one removes the key', () => {
    const key = draftKey('u1', 'ticket:t1');
    writeDraft(key, { text: 'Half a sentence', mode: 'note' });
    expect(readDraft(key, reply)).toEqual({ text: 'Half a sentence', mode: 'note' });
    writeDraft(key, { text: '', mode: 'note' });
    expect(localStorage.getItem(key)).toBeNull();
    writeDraft(key, { text: 'Again', mode: 'reply' });
    clearDraft(key);
    expect(readDraft(key, reply)).toBeNull();
  });

  it('survives a full or refusing storage', () => {
    const key = draftKey('u1', 'new-ticket');
    const setItem = jest.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    expect(() => writeDraft(key, { text: 'x' })).not.toThrow();
    setItem.mockRestore();
    localStorage.setItem(key, '{not json');
    expect(readDraft(key, reply)).toBeNull();
  });
});
