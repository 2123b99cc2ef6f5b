// The self-hosted GraphQL playground of Lex Support: GraphiQL bundled from npm, served by the
// server at GET /graphql. Queries and mutations go over HTTP, subscriptions over graphql-ws; both
// carry the browser's own session cookie (same origin), so it acts as the signed-in user.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createClient } from 'graphql-ws';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const httpUrl = new URL('/graphql', location.href).href;
const wsUrl = httpUrl.replace(/^http/, 'ws');

const fetcher = createGraphiQLFetcher({
  url: httpUrl,
  // Same origin: the session cookie goes along, and nothing else is sent anywhere.
  fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
  // The browser sends the cookie with the WebSocket handshake; the server signs the socket in at
  // connection_init. Lazy: a socket only while a subscription runs, so a sign-in is picked up.
  wsClient: createClient({ url: wsUrl, lazy: true, retryAttempts: 3 }),
});

const DEFAULT_QUERY = `# Lex Support GraphQL playground
#
# It uses your browser's session: sign in to Lex Support first (or run the login mutation here),
# then try a query, or a subscription such as supportBadge, which stays open and shows each change.

query Me {
  me {
    name
    email
    role
  }
}
`;

// A link such as /graphql?query=…&variables=… opens with that operation in a tab.
const params = new URLSearchParams(location.search);

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      initialQuery={params.get('query') ?? undefined}
      initialVariables={params.get('variables') ?? undefined}
      isHeadersEditorEnabled
    />
  </StrictMode>,
);
