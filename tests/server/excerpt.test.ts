import { MAX_EXCERPT_LENGTH } from '../../server/contract';
import { messageExcerpt } from '../../server/support/excerpt';
import { useDesk } from '../helpers/support-api';

describe('messageExcerpt', () => {
  const long = 'a'.repeat(200);
  it.each([
    ['One line', 'One line'],
    ['First line\nsecond line', 'First line'],
    ['\n\n   \n  Hello  there \t you\r\nnext', 'Hello there you'],
    ['Windows\r\nline', 'Windows'],
    ['old Mac\rline', 'old Mac'],
    ['', ''],
    [' \n\t\n ', ''],
    [long, `${'a'.repeat(MAX_EXCERPT_LENGTH - 1)}…`],
    // 123 characters: cut after 119, and the space before the cut goes
    [`${'word '.repeat(23)}cut here`, `${'word '.repeat(23)}cut…`],
    // characters outside the BMP are counted, and never cut, as one
    ['😀'.repeat(130), `${'😀'.repeat(MAX_EXCERPT_LENGTH - 1)}…`],
    ['<b>not bold</b>', '<b>not bold</b>'],
  ])('%p → %p', (message, excerpt) => {
    expect(messageExcerpt(message)).toBe(excerpt);
    expect([...messageExcerpt(message)].length).toBeLessThanOrEqual(MAX_EXCERPT_LENGTH);
  });
});

describe('lastReply.excerpt', () => {
  const desk = useDesk();

  it('gives lists the first line of the newest message the viewer may see', async () => {
    const ticket = await desk.createTicket(desk.customer.token, { message: '\nThe export is blank.\nSince Monday.' });
    const list = `{ myTickets { nodes { id lastReply { excerpt senderName isAdmin } } } }`;
    const mine = await desk.raw(list, {}, desk.customer.token);
    expect(mine.data.myTickets.nodes.find((n: { id: string }) => n.id === ticket.id).lastReply).toEqual({
      excerpt: 'The export is blank.',
      senderName: desk.customer.name,
      isAdmin: false,
    });

    await desk.reply(desk.admin.token, ticket.id, 'Could you send a screenshot?\nThanks!');
    const again = await desk.raw(list, {}, desk.customer.token);
    expect(again.data.myTickets.nodes.find((n: { id: string }) => n.id === ticket.id).lastReply).toMatchObject({
      excerpt: 'Could you send a screenshot?',
      isAdmin: true,
    });
  });
});
