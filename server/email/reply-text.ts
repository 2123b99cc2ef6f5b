import EmailReplyParser from 'email-reply-parser';

/**
 * What a person wrote in an email reply, without the quoted history and the signature.
 * email-reply-parser (Crisp) knows quoted lines, "On … wrote:" in ten languages and the usual
 * signatures; the header blocks that Outlook puts above the history, and the Dutch forms of
 * Gmail, Apple Mail and Thunderbird, are cut here first.
 */
const HISTORY_STARTS = [
  // Outlook and older clients.
  /^-{2,}\s*(original message|oorspronkelijk bericht|origineel bericht|forwarded message|doorgestuurd bericht)\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  // Gmail and Thunderbird ("Op … schreef …:"), Apple Mail ("Op … heeft … het volgende geschreven:"), English forms.
  /^>?\s*(op|on)\s.*(schreef|geschreven|wrote)\s*.*:\s*$/i,
];
/** Outlook's block: `From:`/`Van:` followed by `Sent:`/`Verzonden:`/`Date:`/`Datum:`/`To:`/`Aan:`. */
const HEADER_BLOCK_FROM = /^\*?(from|van|de)\s*:\*?\s/i;
const HEADER_BLOCK_NEXT = /^\*?(sent|verzonden|date|datum|to|aan|subject|onderwerp|cc)\s*:/i;
const SIGNATURES =
  /^(sent from my|verzonden (vanaf|met) mijn|verstuurd (vanaf|met|van) mijn|get outlook for|outlook voor (ios|android))\b/i;

export function replyText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length && end === lines.length; i++) {
    const line = lines[i].trim();
    // "On …" wrapped over two lines by the sender's client.
    const joined = `${line} ${lines[i + 1]?.trim() ?? ''}`;
    if (HISTORY_STARTS.some((pattern) => pattern.test(line)) || (/^(op|on)\s/i.test(line) && HISTORY_STARTS[2].test(joined))) end = i;
    else if (HEADER_BLOCK_FROM.test(line) && lines.slice(i + 1, i + 4).some((next) => HEADER_BLOCK_NEXT.test(next.trim()))) end = i;
    else if (SIGNATURES.test(line)) end = i;
  }
  return new EmailReplyParser().parseReply(lines.slice(0, end).join('\n')).trim();
}
