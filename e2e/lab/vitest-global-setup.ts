// Vitest global setup: brings the network lab up (idempotently) before any test file runs.
// Lab tests depend on it, so a lab that cannot come up fails the run with the reason.
// No teardown: the lab is shared by concurrent and later runs, and `up` is fast when it is up.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LAB_SH = fileURLToPath(new URL('./lab.sh', import.meta.url));

export default function setup(): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(
      'The ScanReady tests need the network lab, which needs root (network namespaces, nftables). ' +
        'Run the tests as root, e.g. `sudo npm test`.',
    );
  }
  try {
    execFileSync('bash', [LAB_SH, 'up'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
      env: { ...process.env, LAB_QUIET: '1' },
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string };
    const detail = `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`The network lab did not come up (bash ${LAB_SH} up):\n${detail || e.message}`, { cause: err });
  }
}
