/** Text the server renders itself (pages and emails), in English. Dutch lives in nl.ts with the same keys. */
export const en = {
  sso: {
    refusedTitle: 'Signing in from Lex did not work',
    refused: {
      expired: 'This sign-in link has expired. Go back to Lex and open Support again.',
      invalid: 'This sign-in link is not valid. Go back to Lex and open Support again.',
      replayed: 'This sign-in link has already been used. Go back to Lex and open Support again.',
      conflict:
        'Your Lex account cannot be linked: Lex Support already has a different account with the same email address. Please contact the Lex team.',
      unavailable: 'Signing in from Lex is not possible right now. Please try again in a minute.',
      off: 'Signing in from Lex is not set up on this server.',
    },
  },
  email: {
    answer: {
      intro: '{{name}} of the Lex team answered your question:',
      introMany: 'The Lex team answered your question ({{count}} new messages):',
    },
    newTicket: { intro: '{{name}} ({{tenant}}) opened a ticket in {{category}}:' },
    customerReply: { intro: '{{name}} ({{tenant}}) replied:' },
    closed: {
      intro: '{{name}} of the Lex team closed this ticket. Reply to this email to reopen it.',
      auto: 'This ticket was closed automatically after {{wait}} without a reply. Reply to this email to reopen it.',
    },
    autoCloseReminder: {
      intro:
        'The Lex team answered this ticket. It closes automatically on {{date}} unless you reply. Has your question been answered? Then you need not do anything.',
    },
    earlier: 'Earlier in this conversation',
    open: 'Open the ticket',
    replyHint: 'Reply to this email to answer; your reply appears in the conversation.',
    unsubscribe: {
      link: 'Stop these emails',
      title: 'Stop notification emails?',
      question: 'Lex Support will no longer email {{email}} about tickets. You can turn emails on again in the web app.',
      confirm: 'Stop emails',
      done: 'Done: Lex Support no longer emails {{email}}.',
      unknown: 'This link is not valid (any more).',
    },
    attachments: {
      heading: 'Attached files (these links work until {{date}}):',
      unavailable: 'File not available',
      expired: 'This link to a file has expired. Open the ticket in Lex Support to download the file.',
      invalid: 'This link to a file is not valid. Open the ticket in Lex Support to download the file.',
    },
    rating: {
      question: 'How did we do? Rate the help you got with one click:',
      until: 'These links work until {{date}}.',
      scores: { score1: 'Very poor', score2: 'Poor', score3: 'Okay', score4: 'Good', score5: 'Excellent' },
      title: 'Rate the help you got',
      legend: 'How did we do?',
      comment: 'Comment (optional)',
      send: 'Send rating',
      thanks: 'Thank you for your rating!',
      thanksBody: 'The Lex team sees it with your ticket.',
      already: 'You already rated this ticket. Thank you!',
      reopened:
        'This ticket was reopened after this email was sent, so this link no longer rates it. Once it is closed again, you can rate it in Lex Support.',
      unavailable: 'Rating not possible',
      invalid: 'This rating link is not valid.',
      expired: 'This rating link has expired.',
      errors: { score: 'Choose a score from 1 to 5.', comment: 'Write at most 2,000 characters.' },
    },
    inbound: {
      filesOnly: '(Files sent by email, without a message.)',
      notAttached: {
        type: 'Not attached: {{name}} (files of this type are not accepted).',
        size: 'Not attached: {{name}} (larger than the limit of {{limit}}).',
        count: 'Not attached: {{name}} (at most {{max}} files per message).',
        unreadable: 'Not attached: {{name}} (an image that cannot be read).',
      },
    },
  },
};

/** Every catalog has exactly this shape (a test checks the keys, this type checks it at compile time). */
export type Catalog = typeof en;
