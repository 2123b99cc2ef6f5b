import fc from 'fast-check';

// What a hostile or broken client can put into a GraphQL argument: every kind of Unicode (astral
// planes, lone surrogates, which JSON can carry as \uD800 escapes), control characters, NUL,
// exotic whitespace, huge strings, and values of the wrong JSON type.

const char = (from: number, to: number) => fc.integer({ min: from, max: to }).map((code) => String.fromCharCode(code));

/** One "unit" of a nasty string: a code point of any plane, or a character chosen to hurt. */
export const nastyUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: char(0xd800, 0xdfff) }, // a lone surrogate
  { weight: 2, arbitrary: fc.oneof(char(0x00, 0x1f), char(0x7f, 0x9f)) }, // C0 and C1 controls
  { weight: 2, arbitrary: fc.constant('\0') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(' ', '\t', '\n', '\r', '\u000b', '\u00a0', '\u1680', '\u2028', '\u2029', '\u200b', '\u3000', '\ufeff'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '"',
      '\\',
      "'",
      '%',
      '_',
      '#',
      '|',
      '$',
      '{',
      '}',
      ';',
      '--',
      '*/',
      '\u202e',
      '\ufffd',
      '\uffff',
      '😀',
      '𝕏',
      '👩‍👩‍👧',
    ),
  },
);

/** Strings of nasty units, short enough to be many. */
export const nastyShortString = (maxLength = 30) => fc.string({ unit: nastyUnit, maxLength });

/** Around the limits of the contract: 200 (subject) and 10,000 (message), with whitespace padding. */
export const boundaryString = fc
  .tuple(
    fc.constantFrom(1, 199, 200, 201, 9_999, 10_000, 10_001),
    fc.constantFrom('x', 'é', '😀', '\u0001', ' '),
    fc.constantFrom('', ' ', '\n\t', '\u3000'),
  )
  .map(([length, unit, pad]) => `${pad}${unit.repeat(Math.ceil(length / unit.length)).slice(0, length)}${pad}`);

/** Up to about a megabyte (in UTF-16 units; more as JSON when it holds escapes). */
export const hugeString = fc
  .tuple(fc.integer({ min: 10_001, max: 1_000_000 }), fc.string({ unit: nastyUnit, minLength: 1, maxLength: 3 }))
  .map(([length, seed]) => seed.repeat(Math.ceil(length / seed.length)).slice(0, length));

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: nastyShortString() },
  { weight: 2, arbitrary: boundaryString },
  { weight: 1, arbitrary: hugeString },
);

/** Values of a JSON type other than the one expected, including numbers GraphQL's Int cannot hold. */
export const wrongJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 1e308, -0, 0.5, 1e-7),
  fc.constantFrom({}, [], [null], [''], { id: 'x' }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

/** Marks a key as absent from an object (not `null`, not `undefined` in JSON: missing). */
export const ABSENT = Symbol('absent');
export type Maybe<T> = T | typeof ABSENT;

/** A value for an argument: sometimes a good one, sometimes a nasty string, sometimes a wrong type, sometimes missing. */
export function argument<T>(good: fc.Arbitrary<T>, weights: { good?: number; nasty?: number; wrong?: number; absent?: number } = {}) {
  return fc.oneof(
    { weight: weights.good ?? 4, arbitrary: good as fc.Arbitrary<unknown> },
    { weight: weights.nasty ?? 3, arbitrary: nastyString as fc.Arbitrary<unknown> },
    { weight: weights.wrong ?? 2, arbitrary: wrongJson },
    { weight: weights.absent ?? 1, arbitrary: fc.constant(ABSENT) as fc.Arbitrary<unknown> },
  );
}

/** An object built from generated entries, with ABSENT keys left out. */
export function present(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== ABSENT));
}

export const enumName = <T extends string>(values: readonly T[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...values) as fc.Arbitrary<string> },
    // Near misses: the stored value, wrong case, a prefix, with whitespace.
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...values)
        .chain((v) => fc.constantFrom(v.toLowerCase(), ` ${v}`, v.slice(0, -1), `${v}\0`, v.replace('_', ' '))),
    },
  );

export const STATUSES = ['OPEN', 'IN_PROGRESS', 'ANSWERED', 'CLOSED'] as const;
export const CATEGORIES = ['TECHNICAL', 'LEX_QUESTION', 'BILLING', 'CAO_RELATED', 'OTHER'] as const;

/** Ticket ids: known ones (own, someone else's), random UUIDs, almost-UUIDs and junk. */
export function ticketId(known: () => string[]) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.nat().map((i) => known()[i % known().length]) },
    { weight: 2, arbitrary: fc.uuid() },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.nat(), fc.constantFrom('upper', 'braces', 'space', 'nul', 'short', 'urn')).map(([i, how]) => {
        const id = known()[i % known().length];
        return { upper: id.toUpperCase(), braces: `{${id}}`, space: ` ${id} `, nul: `${id}\0`, short: id.slice(1), urn: `urn:uuid:${id}` }[
          how
        ];
      }),
    },
  );
}

const toBase64Url = (text: string) => Buffer.from(text).toString('base64url');

/** `after` cursors: real ones, well-formed ones over any date (far past and future too), and junk. */
export function cursor(known: () => string[]) {
  const iso = fc.oneof(
    fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
    fc.constantFrom('-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '1', 'now', ''),
    nastyShortString(12),
  );
  const id = fc.oneof(fc.uuid(), fc.constant('00000000-0000-0000-0000-000000000000'), nastyShortString(40));
  return fc.oneof(
    { weight: 2, arbitrary: fc.nat().map((i) => known()[i % known().length]) },
    { weight: 4, arbitrary: fc.tuple(iso, fc.constantFrom('|', '||', '', '|x|'), id).map(([d, sep, u]) => toBase64Url(`${d}${sep}${u}`)) },
    { weight: 1, arbitrary: nastyShortString() },
  );
}

/** A GraphQL string literal for `text` (escaped as the spec asks; lone surrogates stay raw). */
export function graphqlString(text: string): string {
  return `"${text
    .replace(/[\\"]/g, (c) => `\\${c}`)
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** A GraphQL name made from any text (object keys of generated values). */
const graphqlName = (text: string) => {
  const name = text.replace(/[^_0-9A-Za-z]/g, '_');
  return /^[_A-Za-z]/.test(name) ? name : `_${name}`;
};

/**
 * Writes a generated value as an inline GraphQL literal. Strings become escaped literals, block
 * strings or, now and then, raw text that may well break the document. Strings that are names are
 * written bare (OPEN), as enum values are, where `enums` says so: `true` for the value itself, or
 * the keys of an object whose values are enums.
 */
export function graphqlLiteral(value: unknown, style: number, enums: boolean | readonly string[] = false): string {
  const enumLike = enums === true;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (typeof value === 'string') {
    if (enumLike && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value) && style % 4 !== 3) return value;
    switch (style % 5) {
      case 1:
        return `"""${value.replace(/"""/g, '\\"""')}"""`;
      case 2:
        return `"${value}"`; // unescaped: quotes and newlines in it break the document
      default:
        return graphqlString(value);
    }
  }
  if (Array.isArray(value)) return `[${value.map((v) => graphqlLiteral(v, style, enums)).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([key, v]) => `${graphqlName(key)}: ${graphqlLiteral(v, style, Array.isArray(enums) ? enums.includes(key) : false)}`)
    .join(', ')}}`;
}
