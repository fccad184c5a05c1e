import 'server-only';
import type { Readable } from 'node:stream';
import { getExtensionData, readTlsClientHello } from 'read-tls-client-hello';

// Domain fronting: on a shared CDN, a tunnel opened to an allowlisted name can carry a TLS session for any
// other site of that CDN (the server picks the site by the ClientHello's server_name). So an allowlisted
// tunnel must start with a ClientHello that names the host the CONNECT named.

/** How long a tunnel may stay silent before its ClientHello. */
export const CLIENT_HELLO_TIMEOUT_MS = 10_000;

/**
 * Reads the first TLS record of `socket` (one record: at most 64 KiB by its 16-bit length) and puts the bytes
 * back, so the tunnel still carries them. True when its server_name is `host`; false for anything else:
 * no TLS, no server_name, another name, a hello split over several records, or silence past the timeout.
 */
export async function clientHelloNames(socket: Readable, host: string, timeoutMs = CLIENT_HELLO_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no ClientHello in time')), timeoutMs);
  });
  try {
    const hello = await Promise.race([readTlsClientHello(socket), timeout]);
    const name = getExtensionData(hello, 0x0000)?.serverName;
    return typeof name === 'string' && name.toLowerCase().replace(/\.$/, '') === host;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
