/** What the presence bar says (docs/architecture.md §8). Pure: catalog keys and values, translated by the caller. */

export interface Person {
  id: string;
  name: string;
  isAdmin: boolean;
  internal: boolean;
}

export interface TypingLine {
  key: string;
  text: 'presence.typing' | 'presence.typingNote' | 'presence.teamTyping';
  values: { name?: string };
  internal: boolean;
}

/**
 * One line per person typing, for the Lex team ("Maria is typing…", with "(internal note)" for a
 * note); for a customer one line, "Lex team is typing…", whoever it is (the server only tells a
 * customer of team members typing a public reply).
 */
export function typingLines(typing: readonly Person[], team: boolean): TypingLine[] {
  if (!team) return typing.some((p) => p.isAdmin) ? [{ key: 'team', text: 'presence.teamTyping', values: {}, internal: false }] : [];
  return typing.map((p) => ({
    key: `${p.id}:${p.internal ? 'note' : 'reply'}`,
    text: p.internal ? 'presence.typingNote' : 'presence.typing',
    values: { name: p.name },
    internal: p.internal,
  }));
}

/** "Maria de Vries" → "MV", "Sam" → "S". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const picked = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return picked.map((w) => [...w][0]?.toUpperCase() ?? '').join('');
}
