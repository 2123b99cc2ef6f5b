import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import type { FieldPolicy, Reference } from '@apollo/client/cache';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { CloseCode, createClient, type Client } from 'graphql-ws';
import { MeDocument } from './gql/graphql';
import { getLiveState, setLiveState } from './lib/live-state';
import { mergeReplies } from './support/conversation';

/** The server closes sockets with Forbidden when their session ended (sign-out elsewhere, expiry). */
const SESSION_ENDED = CloseCode.Forbidden;
/** The client closes its own socket with these: WebSocket's Normal Closure when lazy (no subscriptions left), graphql-ws's 4499 on terminate(). */
const NORMAL_CLOSURE = 1000;
const TERMINATED = 4499;

interface ConnectionRefs {
  nodes: Reference[];
  pageInfo: unknown;
  totalCount: number;
}

/** Keyset pagination: the first page replaces, `after` pages append (deduplicated). */
function connectionPolicy(keyArgs: string[]): FieldPolicy<ConnectionRefs> {
  return {
    keyArgs,
    merge(existing, incoming, { args }) {
      if (!existing || !args?.after) return incoming;
      const seen = new Set(existing.nodes.map((n) => n.__ref));
      return {
        ...incoming,
        nodes: [...existing.nodes, ...incoming.nodes.filter((n) => !seen.has(n.__ref))],
      };
    },
  };
}

/**
 * The one owner of a conversation's replies: whatever writes them (the ticket query and its refetch
 * after a reconnect, a replyAdded event, a reply's optimistic copy and its result) adds to them by
 * id, oldest first. Not keyed by arguments: a page of replies (`replies(last: …)`) joins the same list.
 */
const repliesPolicy: FieldPolicy<Reference[]> = {
  keyArgs: false,
  merge: (existing = [], incoming, { readField }) =>
    mergeReplies(existing, incoming, (ref) => ({ id: readField<string>('id', ref)!, createdAt: readField<string>('createdAt', ref)! })),
};

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          myTickets: connectionPolicy(['status']),
          supportTickets: connectionPolicy(['filter', 'orderBy']),
        },
      },
      SupportTicket: {
        fields: {
          replies: repliesPolicy,
        },
      },
      SupportStats: { keyFields: false },
      PageInfo: { keyFields: false },
    },
  });
}

export interface Apollo {
  client: ApolloClient;
  /** Reconnect the WebSocket so it carries the current session cookie. */
  restartSocket(): void;
}

function websocketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/graphql`;
}

/**
 * HTTP for queries and mutations, graphql-ws for subscriptions, both to
 * `/graphql` on this origin: the session cookie authenticates both. When the
 * socket comes back after a drop, every active query is refetched, because
 * events sent while it was down are gone (at-most-once delivery).
 */
export function createApollo(): Apollo {
  let client: ApolloClient | undefined;
  let connectedBefore = false;

  const ws: Client = createClient({
    url: websocketUrl(),
    lazy: true,
    lazyCloseTimeout: 3_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      const base = Math.min(1_000 * 2 ** retries, 15_000);
      await new Promise((r) => setTimeout(r, base / 2 + Math.random() * (base / 2)));
    },
    keepAlive: 20_000,
    on: {
      connected: () => {
        if (connectedBefore && client) {
          void client.refetchQueries({ include: 'active' });
        }
        connectedBefore = true;
        setLiveState('connected');
      },
      closed: (event) => {
        const code = (event as { code?: number } | undefined)?.code;
        const deliberate = code === NORMAL_CLOSURE || code === TERMINATED || code === SESSION_ENDED;
        setLiveState(!deliberate && getLiveState() !== 'idle' ? 'reconnecting' : 'idle');
        // the session ended: ask who we are; a null `me` shows the sign-in page
        if (code === SESSION_ENDED && client) {
          void client.refetchQueries({ include: [MeDocument] });
        }
      },
    },
  });

  // Any request that finds the session gone signs the app out locally.
  const sessionLink = new ErrorLink(({ error, operation }) => {
    if (!client || operation.operationName === 'Login' || operation.operationName === 'Me') return;
    if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
      client.writeQuery({ query: MeDocument, data: { me: null } });
    }
  });

  const http = new HttpLink({ uri: '/graphql', credentials: 'same-origin' });
  const link = ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, new GraphQLWsLink(ws), http);

  client = new ApolloClient({
    link: ApolloLink.from([sessionLink, link]),
    cache: createCache(),
    defaultOptions: {
      watchQuery: { fetchPolicy: 'cache-and-network', nextFetchPolicy: 'cache-first' },
    },
  });

  return {
    client,
    restartSocket: () => ws.terminate(),
  };
}
