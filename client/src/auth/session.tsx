import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { LoginDocument, LogoutDocument, MeDocument, type ViewerFragment } from '../gql/graphql';
import { isLocale, switchLocale } from '../i18n';

export interface Session {
  viewer: ViewerFragment | null;
  loading: boolean;
  error: unknown;
  isAdmin: boolean;
  retry(): void;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

interface SessionProviderProps {
  /** Reconnects the WebSocket so it carries the new session cookie. */
  restartSocket: () => void;
  children: ReactNode;
}

/**
 * Who is signed in. The browser relies on the httpOnly session cookie only;
 * the token that `login` also returns is never requested nor stored.
 */
export function SessionProvider({ restartSocket, children }: SessionProviderProps) {
  const client = useApolloClient();
  const navigate = useNavigate();
  const { data, loading, error, refetch } = useQuery(MeDocument, { fetchPolicy: 'cache-first' });
  const [login] = useMutation(LoginDocument);
  const [logout] = useMutation(LogoutDocument);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const result = await login({ variables: { email, password } });
      const user = result.data?.login.user;
      if (!user) return;
      restartSocket();
      // forget everything cached while signed out, then ask again who we are
      await client.resetStore();
    },
    [client, login, restartSocket],
  );

  const signOut = useCallback(async () => {
    try {
      await logout();
    } finally {
      restartSocket();
      navigate('/', { replace: true });
      client.writeQuery({ query: MeDocument, data: { me: null } });
      await client.clearStore();
      client.writeQuery({ query: MeDocument, data: { me: null } });
    }
  }, [client, logout, navigate, restartSocket]);

  const viewer = data?.me ?? null;
  // Signed in, the account's saved language wins (Lex's sign-in writes it too).
  const savedLocale = viewer?.locale;
  useEffect(() => {
    if (isLocale(savedLocale)) void switchLocale(savedLocale);
  }, [savedLocale]);
  const value = useMemo<Session>(
    () => ({
      viewer,
      loading: loading && !data,
      error: data ? undefined : error,
      isAdmin: viewer?.role === 'SUPERADMIN',
      retry: () => void refetch(),
      signIn,
      signOut,
    }),
    [viewer, loading, data, error, refetch, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user (only inside the signed-in part of the app). */
export function useViewer(): ViewerFragment {
  const { viewer } = useSession();
  if (!viewer) throw new Error('useViewer while signed out');
  return viewer;
}
