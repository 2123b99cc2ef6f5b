import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  DocumentNode,
  ExecutionArgs,
  GraphQLError,
  GraphQLSchema,
  ValidationContext,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import type { SubscribePayload } from 'graphql-ws';
import { queryCostRule } from './query-cost';

// OWASP GraphQL cheat sheet limits, from graphql-armor's defaults tightened to what the app asks:
// its deepest query is 4 levels and it never aliases; the cost rule is ours, as graphql-armor's
// prices a list as one item (see query-cost.ts).
/** Parsing stops at this many tokens, before any validation work. */
export const MAX_TOKENS = 1000;

// As plain validation rules, the refusals are reported as validation errors (not thrown).
const report = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

export const limitRules = [maxDepthRule({ n: 10, ...report }), maxAliasesRule({ n: 15, ...report }), queryCostRule];

/** Valid documents kept, and the longest query kept: the app sends a few dozen operations. */
const KEPT_DOCUMENTS = 200;
const KEPT_QUERY_CHARS = 10_000;
/**
 * Valid documents by schema and query text. Every socket sends the same few operations, and a
 * subscription holds its document for as long as it lasts: one parsed copy serves them all, and is
 * validated once (documents are never changed after parsing). The oldest is dropped when full.
 */
const validDocuments = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>();

function remember(schema: GraphQLSchema, query: string, document: DocumentNode) {
  if (query.length > KEPT_QUERY_CHARS) return;
  let kept = validDocuments.get(schema);
  if (!kept) validDocuments.set(schema, (kept = new Map()));
  if (kept.size >= KEPT_DOCUMENTS) kept.delete(kept.keys().next().value!);
  kept.set(query, document);
}

/**
 * What Apollo does for HTTP requests, for operations arriving over the WebSocket: parse within the
 * token limit, validate with the limits, coerce the variables, and answer with the same error codes,
 * without "Did you mean …?" hints.
 */
export function checkOperation(schema: GraphQLSchema, payload: SubscribePayload): ExecutionArgs | GraphQLError[] {
  const refuse = (errors: readonly GraphQLError[], code: string) =>
    errors.map(
      (error) =>
        new GraphQLError(error.message.replace(/ ?Did you mean .*\?$/, ''), {
          nodes: error.nodes,
          extensions: { ...error.extensions, code },
        }),
    );
  let document = validDocuments.get(schema)?.get(payload.query);
  if (!document) {
    try {
      document = parse(payload.query, { maxTokens: MAX_TOKENS });
    } catch (error) {
      return refuse(
        [error instanceof GraphQLError ? error : new GraphQLError('The operation could not be parsed')],
        'GRAPHQL_PARSE_FAILED',
      );
    }
    const invalid = validate(schema, document, [...specifiedRules, ...limitRules]);
    if (invalid.length) return refuse(invalid, 'GRAPHQL_VALIDATION_FAILED');
    remember(schema, payload.query, document);
  }
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) return refuse([new GraphQLError('Name the operation to run')], 'OPERATION_RESOLUTION_FAILURE');
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
  if (variables.errors) return refuse(variables.errors, 'BAD_USER_INPUT');
  return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
}
