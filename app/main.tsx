import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { engine, store } from './store';
import { afterPaint } from './ui/paint';
import './styles.css';

// the persisted theme before the first paint (no flash of the other one)
document.documentElement.dataset.theme = store.getState().theme;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// the engine's worker (its own chunk) after the first paint: the page and its editor come first
afterPaint(() => engine.start());
