import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApolloProvider } from '@apollo/client/react';
import { createApollo } from './apollo';
import './i18n';
import { App } from './App';
import { SessionProvider } from './auth/session';
import { prefetchPageFor } from './page-files';
import { AnnouncerProvider } from './shell/announcer';
import { ToastProvider } from './design/Toast';
import './design/tokens.css';
import './design/base.css';
import './design/components.css';
import './styles/app.css';

const apollo = createApollo();
prefetchPageFor(window.location.pathname);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={apollo.client}>
      <BrowserRouter>
        <AnnouncerProvider>
          <ToastProvider>
            <SessionProvider restartSocket={apollo.restartSocket}>
              <App />
            </SessionProvider>
          </ToastProvider>
        </AnnouncerProvider>
      </BrowserRouter>
    </ApolloProvider>
  </StrictMode>,
);
