// Which browser tabs are alive, so the journal entries of closed tabs can be adopted and replayed.
// Each tab holds a Web Lock named after its client id for as long as it lives.

const LOCK_PREFIX = 'cloud-ide-client:';
const SESSION_KEY = 'cloud-ide-client-id';

function newId(): string {
  return crypto.randomUUID();
}

/**
 * Claims a client id for this tab: the one it had before a reload (sessionStorage), unless another
 * live tab holds it (a duplicated tab copies sessionStorage), then a fresh one. Resolves once the lock is held.
 */
export async function claimClientId(): Promise<{ clientId: string; release: () => void }> {
  const previous = sessionStorage.getItem(SESSION_KEY);
  for (const candidate of previous ? [previous, newId()] : [newId()]) {
    const release = await tryHold(candidate);
    if (release) {
      sessionStorage.setItem(SESSION_KEY, candidate);
      return { clientId: candidate, release };
    }
  }
  throw new Error('could not claim a client id for the autosave journal');
}

function tryHold(clientId: string): Promise<(() => void) | null> {
  if (!('locks' in navigator)) return Promise.resolve(() => {});
  return new Promise((resolve, reject) => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    navigator.locks
      .request(LOCK_PREFIX + clientId, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(null);
          return undefined;
        }
        resolve(release);
        return held;
      })
      .catch(reject);
  });
}

/** Client ids of tabs alive now (holding their lock). Without Web Locks, only this tab counts. */
export async function liveClientIds(): Promise<Set<string>> {
  if (!('locks' in navigator)) return new Set();
  const { held = [] } = await navigator.locks.query();
  return new Set(held.flatMap((l) => (l.name?.startsWith(LOCK_PREFIX) ? [l.name.slice(LOCK_PREFIX.length)] : [])));
}
