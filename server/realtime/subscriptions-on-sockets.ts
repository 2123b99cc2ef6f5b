import { ASTVisitor, GraphQLError, ValidationContext } from 'graphql';

/**
 * Refuses subscriptions sent over HTTP. They are served on the WebSocket; over HTTP a subscription
 * would be executed once, with no event to answer, and fail as an internal error.
 */
export function SubscriptionsOnSockets(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (node.operation !== 'subscription') return;
      context.reportError(
        new GraphQLError('Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql, not over HTTP', { nodes: node }),
      );
    },
  };
}
