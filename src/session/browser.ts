/** The session of the page's worker: bpffs kept in IndexedDB, so pinned objects survive a reload. */
import { IdbStorage } from '../kernel/storage-idb';
import { Session } from './session';

export function createBrowserSession(): Session {
  return new Session({ storage: new IdbStorage('bpflab', 'bpffs') });
}
