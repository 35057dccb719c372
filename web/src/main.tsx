import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { startLive } from './lib/live.ts';
import { startSession } from './lib/session.ts';
import { initTheme } from './lib/theme.ts';
import './styles.css';

initTheme();
startSession();
startLive();

const el = document.getElementById('root');
if (el) {
  createRoot(el).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
