/** The IDE without a page: a store (persisted to memory), its actions and io actions over a real Session. */
import { makeStore, memoryStorage } from '../../app/store/store';
import { makeActions } from '../../app/store/actions';
import { makeIoActions } from '../../app/store/io-actions';
import { Session } from '../../src/session';

export function ide() {
  const storage = memoryStorage();
  const store = makeStore(storage);
  const api = new Session();
  const port = { api };
  const actions = makeActions(store, port);
  const io = makeIoActions(store, port, actions);
  return { store, storage, api, actions, io, s: () => store.getState() };
}
