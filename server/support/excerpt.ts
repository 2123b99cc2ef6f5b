import { MAX_EXCERPT_LENGTH } from '../contract';

/**
 * What a list shows of a message: its first line with text, spaces collapsed, cut to
 * MAX_EXCERPT_LENGTH characters with an ellipsis. Plain text, like the message. The web app applies
 * it to a reply it has just received, so that its list matches what the server would answer.
 */
export function messageExcerpt(message: string): string {
  const line = message
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find(Boolean);
  if (!line) return '';
  const chars = [...line];
  return chars.length > MAX_EXCERPT_LENGTH
    ? `${chars
        .slice(0, MAX_EXCERPT_LENGTH - 1)
        .join('')
        .trimEnd()}…`
    : line;
}
