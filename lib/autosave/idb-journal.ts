import type { Journal, JournalEntry } from '@/lib/autosave/journal';

const DB_NAME = 'cloud-ide-autosave';
const STORE = 'entries';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export interface IdbJournal extends Journal {
  /** Opens the database now rather than at the first read or write: a page may open it while it still loads. */
  open(): Promise<void>;
}

/**
 * The journal in IndexedDB, keyed [projectId, clientId, path] and indexed by project. Nothing is touched
 * until it is opened (safe to create while rendering on the server); the browser's IndexedDB by default.
 */
export function createIdbJournal(factory?: IDBFactory): IdbJournal {
  let opened: Promise<IDBDatabase> | undefined;
  const open = () =>
    (opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = (factory ?? indexedDB).open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(STORE, { keyPath: ['projectId', 'clientId', 'path'] });
        store.createIndex('project', 'projectId');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('could not open the autosave journal'));
      req.onblocked = () => reject(new Error('the autosave journal is blocked by another tab upgrading it'));
    }));

  return {
    async open() {
      await open();
    },
    async put(entry) {
      const tx = (await open()).transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put(entry);
      await done(tx);
    },
    async list(projectId) {
      const tx = (await open()).transaction(STORE, 'readonly');
      return request(tx.objectStore(STORE).index('project').getAll(projectId) as IDBRequest<JournalEntry[]>);
    },
    async remove({ projectId, clientId, path }, ifContent) {
      const tx = (await open()).transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      const key = [projectId, clientId, path];
      const current = (await request(store.get(key))) as JournalEntry | undefined;
      if (current && (ifContent === undefined || current.content === ifContent)) store.delete(key);
      await done(tx);
    },
  };
}
