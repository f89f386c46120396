/**
 * The Electron main bundle loads raw-socket through a lazy shim: an addon built for another ABI
 * must turn into "no raw sockets", not a crash at start. A child process makes the native load
 * fail the way Electron would (NODE_MODULE_VERSION mismatch) and uses the shim.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const shim = path.resolve('electron/app/rawSocketLazy.cjs');

function runWithShim(script: string, failLoad: boolean): { status: number | null; stdout: string; stderr: string } {
  const hook = failLoad
    ? `const M = require('node:module'); const orig = M._load;
       M._load = function (req, ...rest) {
         if (req === 'raw-socket') throw new Error('was compiled against a different Node.js version using NODE_MODULE_VERSION 115');
         return orig.call(this, req, ...rest);
       };`
    : '';
  return spawnSync(process.execPath, ['-e', `${hook}\nconst raw = require(${JSON.stringify(shim)});\n${script}`], {
    encoding: 'utf8',
    timeout: 10_000,
  });
}

describe('lazy raw-socket shim', () => {
  it('loading the shim does not load the addon; interop probes do not either', () => {
    const r = runWithShim(`console.log(String(raw.__esModule), typeof raw[Symbol.toStringTag], Object.keys(raw).length);`, true);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('undefined undefined 0');
  });

  it('a failed native load surfaces on first use as an error that callers catch', () => {
    const r = runWithShim(
      `let ok; try { raw.createSocket({ protocol: 1 }); ok = true; } catch (e) { ok = e.message; } console.log(ok);`,
      true,
    );
    expect(r.stdout).toMatch(/NODE_MODULE_VERSION/);
  });

  it('when the addon loads, the shim is the real module', () => {
    const r = runWithShim(`console.log(typeof raw.createSocket, raw.Protocol.ICMP, raw.AddressFamily.IPv4 >= 0);`, false);
    expect(r.stdout.trim()).toBe('function 1 true');
  });
});
