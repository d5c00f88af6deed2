// Entry point of the web UI.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startEarlyFetches } from './api/early-fetch.js';
import { App } from './app.js';
import { SessionProvider } from './auth/session.js';
import { I18nProvider } from './i18n/i18n.js';
import './styles.css';

// Before the first render: the answers arrive while React renders.
startEarlyFetches(location.pathname, location.search);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </I18nProvider>
  </StrictMode>,
);
