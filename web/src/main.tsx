// Entry point of the web UI, kept to a few kB: it starts the page's first API requests, then
// runs the app (React and everything else, app-root.tsx). The browser fetches that chunk in
// parallel (index.html has a modulepreload for it), so the requests leave while it downloads
// and compiles instead of after it has run.
import { startEarlyFetches } from './api/early-fetch.js';
import './styles.css';

startEarlyFetches(location.pathname, location.search);

void import('./app-root.js').then(({ renderApp }) => renderApp());
