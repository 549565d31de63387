/**
 * The engine's web worker: exposes one Session over Comlink. Deliberately thin (Comlink.expose
 * runs at import, so this file is never imported by tests; they use src/session directly).
 */
import { expose } from 'comlink';
import { createBrowserSession } from '../session';

expose(createBrowserSession());
