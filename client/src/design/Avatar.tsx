interface AvatarProps {
  name: string;
  /** The Lex team's avatars are tinted with the primary, as their bubbles are. */
  team?: boolean;
}

/** "AB" for "Anna Bakker", "C" for "cora": a name's initials, first and last word. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]][0];
  const last = words.length > 1 ? [...words[words.length - 1]][0] : '';
  return (first + last).toLocaleUpperCase();
}

/** A sender's initials in a circle. Decorative: the name is written next to it, so readers hear it once. */
export function Avatar({ name, team }: AvatarProps) {
  return (
    <span className={`avatar${team ? ' avatar--team' : ''}`} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
