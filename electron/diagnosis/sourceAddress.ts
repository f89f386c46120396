/** This machine's source address toward a target (the scanner address used in firewall rules by default). */
import dgram from 'node:dgram';
import { isIP } from 'node:net';

/**
 * Asks the kernel which local address it would use to reach `target`: connect() on a UDP socket
 * sends nothing, it only runs the route lookup.
 */
export async function sourceAddressFor(target: string): Promise<string | null> {
  const family = isIP(target);
  if (family === 0) return null;
  const sock = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
  try {
    return await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 2000);
      sock.once('error', () => {
        clearTimeout(timer);
        resolve(null);
      });
      sock.connect(9, target, () => {
        clearTimeout(timer);
        try {
          resolve(sock.address().address);
        } catch {
          resolve(null);
        }
      });
    });
  } finally {
    try {
      sock.close();
    } catch {
      // not bound
    }
  }
}
