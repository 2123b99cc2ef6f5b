import { CANNED_REPLY_VARIABLES } from '../contract';

/**
 * The `{{variables}}` of canned replies, one rule for both ends (docs/architecture.md §8): the
 * server refuses a body with names the composer could not fill in, and the composer fills in the
 * known ones when it inserts a body. Pure, so the web app imports it too.
 */
export type CannedVariable = (typeof CANNED_REPLY_VARIABLES)[number];

const KNOWN = new Set<string>(CANNED_REPLY_VARIABLES);
const VARIABLE = /\{\{\s*(.*?)\s*\}\}/g;

const isKnown = (name: string): name is CannedVariable => KNOWN.has(name);

/** The `{{…}}` names in a body that the composer could not fill in. */
export function unknownVariables(body: string): string[] {
  return [...body.matchAll(VARIABLE)].map((match) => match[1]).filter((name) => !isKnown(name));
}

/** The body with each known variable replaced by its value; anything else stays as written. */
export function fillVariables(body: string, values: Record<CannedVariable, string>): string {
  return body.replace(VARIABLE, (whole, name: string) => (isKnown(name) ? values[name] : whole));
}
