/** Every leaf key of a nested message catalog, dotted (`status.OPEN`). */
export function leafKeys(catalog: object, prefix = ''): string[] {
  return Object.entries(catalog).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' ? leafKeys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** The keys one catalog has and the other lacks, both ways; both lists empty when they match. */
export function sameKeys(first: object, second: object) {
  const a = new Set(leafKeys(first));
  const b = new Set(leafKeys(second));
  return { missingInSecond: [...a].filter((k) => !b.has(k)).sort(), missingInFirst: [...b].filter((k) => !a.has(k)).sort() };
}
