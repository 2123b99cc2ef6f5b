/**
 * The words of notification emails, in English and Dutch: key → string with `{{name}}` placeholders,
 * the shape of the server's i18next catalogs, so that they can move there as they are.
 */
const en = {
  'email.answer.intro': '{{name}} of the Lex team answered your question:',
  'email.answer.introMany': 'The Lex team answered your question ({{count}} new messages):',
  'email.newTicket.intro': '{{name}} ({{tenant}}) opened a ticket in {{category}}:',
  'email.customerReply.intro': '{{name}} ({{tenant}}) replied:',
  'email.closed.intro': '{{name}} of the Lex team closed this ticket. Reply to this email to reopen it.',
  'email.earlier': 'Earlier in this conversation',
  'email.open': 'Open the ticket',
  'email.replyHint': 'Reply to this email to answer; your reply appears in the conversation.',
  'email.unsubscribe': 'Stop these emails',
  'email.unsubscribe.title': 'Stop notification emails?',
  'email.unsubscribe.question': 'Lex Support will no longer email {{email}} about tickets. You can turn emails on again in the web app.',
  'email.unsubscribe.confirm': 'Stop emails',
  'email.unsubscribe.done': 'Done: Lex Support no longer emails {{email}}.',
  'email.unsubscribe.unknown': 'This link is not valid (any more).',
} as const;

export type EmailStringKey = keyof typeof en;

const nl: Record<EmailStringKey, string> = {
  'email.answer.intro': '{{name}} van het Lex-team heeft uw vraag beantwoord:',
  'email.answer.introMany': 'Het Lex-team heeft uw vraag beantwoord ({{count}} nieuwe berichten):',
  'email.newTicket.intro': '{{name}} ({{tenant}}) heeft een ticket geopend in {{category}}:',
  'email.customerReply.intro': '{{name}} ({{tenant}}) reageerde:',
  'email.closed.intro': '{{name}} van het Lex-team heeft dit ticket gesloten. Beantwoord deze e-mail om het te heropenen.',
  'email.earlier': 'Eerder in dit gesprek',
  'email.open': 'Open het ticket',
  'email.replyHint': 'Beantwoord deze e-mail om te reageren; uw reactie verschijnt in het gesprek.',
  'email.unsubscribe': 'Geen e-mails meer',
  'email.unsubscribe.title': 'Geen meldingen meer per e-mail?',
  'email.unsubscribe.question': 'Lex Support mailt {{email}} dan niet meer over tickets. U kunt e-mails weer aanzetten in de webapp.',
  'email.unsubscribe.confirm': 'Stop e-mails',
  'email.unsubscribe.done': 'Gedaan: Lex Support mailt {{email}} niet meer.',
  'email.unsubscribe.unknown': 'Deze link is niet (meer) geldig.',
};

export const emailCatalogs = { en, nl };
export type EmailLocale = keyof typeof emailCatalogs;

/** Plain text (callers escape for HTML). Unknown locales read as English. */
export function emailText(locale: string, key: EmailStringKey, vars: Record<string, string | number> = {}): string {
  const catalog: Record<EmailStringKey, string> = emailCatalogs[locale as EmailLocale] ?? en;
  return catalog[key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ''));
}
