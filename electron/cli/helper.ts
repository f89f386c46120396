/**
 * `scanready privileged-helper` (hidden): the process "Run privileged probes" starts through the
 * OS elevation tool. Its input and output are pipes (see electron/service/helperProtocol.ts);
 * it takes no file or target argument.
 */
import { Option, type Command } from 'commander';
import { runPrivilegedHelper, runPrivilegedHelperConnected } from '../service/privilegedHelper.js';
import { intOption } from './common.js';

/** Options and action of the hidden `scanready privileged-helper` (name and hiding: commands.ts). */
export function defineHelper(cmd: Command): void {
  cmd
    .addOption(new Option('--connect <port>', 'read and write through a loopback connection to the app instead of stdin/stdout').argParser(intOption('--connect', 1, 65535)))
    .addOption(new Option('--nonce <hex>', 'proves the connection to the app').argParser((v: string) => v))
    .action(async (opts: { connect?: number; nonce?: string }) => {
      if (opts.connect !== undefined) {
        if (!opts.nonce || !/^[0-9a-f]{32,128}$/.test(opts.nonce)) {
          process.stderr.write('scanready: --connect needs --nonce\n');
          process.exitCode = 2;
          return;
        }
        process.exitCode = await runPrivilegedHelperConnected(opts.connect, opts.nonce).catch(() => 3);
        return;
      }
      process.exitCode = await runPrivilegedHelper(process.stdin, process.stdout);
      // Stop waiting for more input: the run is over, the process may exit.
      process.stdin.destroy();
    });
}
