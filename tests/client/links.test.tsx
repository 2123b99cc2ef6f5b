import { render } from '@testing-library/react';
import { Bubble } from '../../client/src/design';
import { linkLabel, messagePieces, type MessagePiece } from '../../client/src/lib/links';

const link = (text: string, href: string, label = text, email = false): MessagePiece => ({ text, href, label, email });

describe('messagePieces', () => {
  it.each<[string, MessagePiece[]]>([
    ['no links here', [{ text: 'no links here' }]],
    ['', []],
    ['see https://lex.example/help', [{ text: 'see ' }, link('https://lex.example/help', 'https://lex.example/help', 'lex.example/help')]],
    ['http://lex.example', [link('http://lex.example', 'http://lex.example/', 'lex.example')]],
    ['www.lex.example/prijzen', [link('www.lex.example/prijzen', 'https://www.lex.example/prijzen', 'www.lex.example/prijzen')]],
    ['HTTPS://LEX.EXAMPLE/A', [link('HTTPS://LEX.EXAMPLE/A', 'https://lex.example/A', 'LEX.EXAMPLE/A')]],
    // sentence punctuation after an address is not part of it
    [
      'Go to https://lex.example/a.',
      [{ text: 'Go to ' }, link('https://lex.example/a', 'https://lex.example/a', 'lex.example/a'), { text: '.' }],
    ],
    [
      '(see https://lex.example/a)',
      [{ text: '(see ' }, link('https://lex.example/a', 'https://lex.example/a', 'lex.example/a'), { text: ')' }],
    ],
    [
      'https://en.wikipedia.org/wiki/Lex_(software), yes',
      [
        link(
          'https://en.wikipedia.org/wiki/Lex_(software)',
          'https://en.wikipedia.org/wiki/Lex_(software)',
          'en.wikipedia.org/wiki/Lex_(software)',
        ),
        { text: ', yes' },
      ],
    ],
    ['<https://lex.example/x>', [{ text: '<' }, link('https://lex.example/x', 'https://lex.example/x', 'lex.example/x'), { text: '>' }]],
    ['"https://lex.example"', [{ text: '"' }, link('https://lex.example', 'https://lex.example/', 'lex.example'), { text: '"' }]],
    // email addresses become mailto: links
    [
      'Mail support@lex.example today',
      [{ text: 'Mail ' }, link('support@lex.example', 'mailto:support@lex.example', 'support@lex.example', true), { text: ' today' }],
    ],
    [
      'mailto:ann.smit+lex@acme-legal.nl.',
      [
        { text: 'mailto:' },
        link('ann.smit+lex@acme-legal.nl', 'mailto:ann.smit+lex@acme-legal.nl', 'ann.smit+lex@acme-legal.nl', true),
        { text: '.' },
      ],
    ],
    // an address in a web address is part of that address
    [
      'https://lex.example/u/ann@acme.nl',
      [link('https://lex.example/u/ann@acme.nl', 'https://lex.example/u/ann@acme.nl', 'lex.example/u/ann@acme.nl')],
    ],
    // line breaks stay text
    [
      'one\nhttps://lex.example\ntwo',
      [{ text: 'one\n' }, link('https://lex.example', 'https://lex.example/', 'lex.example'), { text: '\ntwo' }],
    ],
    // never anything but http(s) and mailto
    ['javascript:alert(1)', [{ text: 'javascript:alert(1)' }]],
    ['javascript://lex.example/%0Aalert(1)', [{ text: 'javascript://lex.example/%0Aalert(1)' }]],
    ['data:text/html;base64,PHNjcmlwdD4=', [{ text: 'data:text/html;base64,PHNjcmlwdD4=' }]],
    ['xhttps://lex.example', [{ text: 'xhttps://lex.example' }]],
    ['vbscript:msgbox', [{ text: 'vbscript:msgbox' }]],
    ['ftp://files.lex.example', [{ text: 'ftp://files.lex.example' }]],
    ['https://localhost', [{ text: 'https://localhost' }]],
    ['https://', [{ text: 'https://' }]],
    ['no@tld', [{ text: 'no@tld' }]],
  ])('%p', (message, expected) => {
    expect(messagePieces(message)).toEqual(expected);
    expect(
      messagePieces(message)
        .map((p) => p.text)
        .join(''),
    ).toBe(message);
  });
});

describe('linkLabel', () => {
  it.each([
    ['https://lex.example/', 'lex.example'],
    ['www.lex.example', 'www.lex.example'],
    ['https://docs.lex.example/help/exports/pdf-troubleshooting?lang=en', 'docs.lex.example/help/exports/pdf-troub…'],
  ])('%p → %p', (address, label) => {
    expect(linkLabel(address)).toBe(label);
    expect(linkLabel(address).length).toBeLessThanOrEqual(40);
  });
});

describe('a bubble with addresses', () => {
  const message =
    'Hi,\nsee https://docs.lex.example/help/exports/pdf-troubleshooting?lang=en&section=blank#step-3 or mail support@lex.example.\njavascript:alert(document.cookie) <img src=x onerror=alert(1)>';

  it('renders links as anchors and everything else as text', () => {
    const { container } = render(<Bubble side="left" sender="Sam" time="now" message={message} />);
    const body = container.querySelector('.bubble__body')!;
    const anchors = [...body.querySelectorAll('a')];
    expect(anchors.map((a) => a.getAttribute('href'))).toEqual([
      'https://docs.lex.example/help/exports/pdf-troubleshooting?lang=en&section=blank#step-3',
      'mailto:support@lex.example',
    ]);
    const [web, mail] = anchors;
    expect(web).toHaveAttribute('target', '_blank');
    expect(web).toHaveAttribute('rel', 'noopener noreferrer');
    expect(web.textContent).toBe('docs.lex.example/help/exports/pdf-troub… (opens in a new tab)');
    expect(mail.textContent).toBe('support@lex.example');
    expect(body.querySelector('img, script')).toBeNull();
    expect(body.textContent).toContain('javascript:alert(document.cookie) <img src=x onerror=alert(1)>');
    expect(body.textContent).toContain('Hi,\nsee ');
  });
});
