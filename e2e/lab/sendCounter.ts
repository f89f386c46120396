/**
 * "Nothing sent", measured: an nftables counter on the scanner's side (the root namespace's output
 * hook, where ScanReady and the tests run) for one per-run lab address in 198.19.0.0/16. That
 * range is routed to the lab router, which has no route for it, so anything sent dies there.
 * The counter sits in the root namespace because `lab.sh up` (run by every test run) reloads the
 * lab namespaces' rulesets; the table name and the address carry a per-run id, so concurrent runs
 * never share or delete each other's counter. Root only, like the lab.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';

export interface SendCounter {
  /** The address to aim at: traffic to it is counted, then dropped by the router. */
  address: string;
  /** Packets sent to `address` from this machine since the counter was created (or since `selfTest`). */
  packets(): number;
  /** Sends one UDP datagram to `address` and waits until the counter has seen it (proves it counts). */
  selfTest(): Promise<void>;
  close(): void;
}

function nft(args: string[], input?: string): string {
  return execFileSync('nft', args, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
}

export function createSendCounter(): SendCounter {
  const id = `${process.pid}_${randomInt(1 << 30).toString(36)}`;
  const table = `srcount_${id}`;
  // 198.19.1.1 - 198.19.254.254: never a network or broadcast address of a /24.
  const address = `198.19.${randomInt(1, 255)}.${randomInt(1, 255)}`;
  nft(['-f', '-'], `table inet ${table} {\n  chain out {\n    type filter hook output priority -300; policy accept;\n    ip daddr ${address} counter\n  }\n}\n`);
  let base = 0;
  const raw = (): number => {
    const out = nft(['list', 'table', 'inet', table]);
    const m = /counter packets (\d+)/.exec(out);
    if (!m?.[1]) throw new Error(`no counter in ${table}: ${out}`);
    return Number(m[1]);
  };
  const packets = (): number => raw() - base;
  return {
    address,
    packets,
    async selfTest() {
      const before = packets();
      const s = createSocket('udp4');
      await new Promise<void>((resolve, reject) => s.send(Buffer.from('count me'), 9, address, (err) => (err ? reject(err) : resolve())));
      s.close();
      for (let i = 0; i < 200 && packets() === before; i++) await new Promise((r) => setTimeout(r, 10));
      if (packets() === before) throw new Error(`the send counter for ${address} did not see a test datagram`);
      base = raw();
    },
    close() {
      try {
        nft(['delete', 'table', 'inet', table]);
      } catch {
        // already gone
      }
    },
  };
}
