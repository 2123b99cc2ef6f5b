import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ApolloClient, ApolloLink, type Operation } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MemoryRouter } from 'react-router';
import { Observable } from 'rxjs';
import { createCache } from '../../client/src/apollo';
import { App } from '../../client/src/App';
import { SessionProvider } from '../../client/src/auth/session';
import { catalogs, i18n } from '../../client/src/i18n';
import { AnnouncerProvider } from '../../client/src/shell/announcer';
import { sameKeys } from '../helpers/catalog-keys';

describe('the web app in two languages', () => {
  it('has the same keys in English and Dutch', () => {
    expect(sameKeys(catalogs.en, catalogs.nl)).toEqual({ missingInSecond: [], missingInFirst: [] });
  });

  it('has no empty text in either language', () => {
    for (const catalog of [catalogs.en, catalogs.nl]) {
      const texts = JSON.stringify(catalog).match(/"[^"]*":""/g);
      expect(texts).toBeNull();
    }
  });
});

const viewer = (locale: string) => ({
  __typename: 'User',
  id: 'u1',
  email: 'ann@acme.test',
  name: 'Ann Acme',
  role: 'CUSTOMER',
  locale,
  tenant: { __typename: 'Tenant', id: 'acme', name: 'Acme BV' },
});

/** The whole app over a link that answers as a server would for a signed-in customer (or nobody). */
function renderApp(me: ReturnType<typeof viewer> | null) {
  const sent: Operation[] = [];
  const answers: Record<string, (op: Operation) => unknown> = {
    Me: () => ({ me }),
    MyTickets: () => ({
      myTickets: {
        __typename: 'SupportTicketConnection',
        nodes: [],
        totalCount: 0,
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
      },
    }),
    SetLocale: (op) => ({ setLocale: { __typename: 'User', id: 'u1', locale: op.variables.locale } }),
  };
  const link = new ApolloLink(
    (operation) =>
      new Observable((observer) => {
        sent.push(operation);
        const answer = answers[operation.operationName ?? ''];
        if (!answer) return; // subscriptions stay open and quiet
        observer.next({ data: answer(operation) } as never);
        observer.complete();
      }),
  );
  const client = new ApolloClient({ link, cache: createCache() });
  render(
    <ApolloProvider client={client}>
      <MemoryRouter initialEntries={['/support']}>
        <AnnouncerProvider>
          <SessionProvider restartSocket={() => undefined}>
            <App />
          </SessionProvider>
        </AnnouncerProvider>
      </MemoryRouter>
    </ApolloProvider>,
  );
  return { sent };
}

describe('the language switch', () => {
  beforeEach(async () => {
    localStorage.clear();
    await act(() => i18n.changeLanguage('en'));
  });

  it('switches the signed-in app to Dutch at once, sets <html lang> and saves the choice', async () => {
    const { sent } = renderApp(viewer('en'));
    await screen.findByRole('link', { name: 'New ticket' });
    expect(document.documentElement.lang).toBe('en');

    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'nl' } });

    expect(await screen.findByRole('link', { name: 'Nieuw ticket' })).toBeVisible();
    expect(screen.getByRole('heading', { name: 'Nog geen tickets' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'Uitloggen' })).toBeVisible();
    expect(screen.getByLabelText('Taal')).toHaveValue('nl');
    expect(document.documentElement.lang).toBe('nl');
    await waitFor(() =>
      expect(sent.filter((op) => op.operationName === 'SetLocale').map((op) => op.variables)).toEqual([{ locale: 'nl' }]),
    );
  });

  it('opens in the language the account saved', async () => {
    renderApp(viewer('nl'));
    expect(await screen.findByRole('link', { name: 'Nieuw ticket' })).toBeVisible();
    expect(document.documentElement.lang).toBe('nl');
  });

  it('switches the sign-in page without saving anything, and remembers it in this browser', async () => {
    const { sent } = renderApp(null);
    await screen.findByRole('heading', { name: 'Sign in' });
    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'nl' } });
    expect(await screen.findByRole('heading', { name: 'Inloggen' })).toBeVisible();
    expect(screen.getByLabelText('Wachtwoord')).toBeVisible();
    expect(localStorage.getItem('lex-support.locale')).toBe('nl');
    expect(sent.some((op) => op.operationName === 'SetLocale')).toBe(false);
  });
});
