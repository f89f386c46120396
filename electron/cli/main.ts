/**
 * `scanready` — the CLI face of the engine. Each subcommand lives in its own module.
 * Exit status across commands: 0 ok, 1 "not ok" outcome, 2 bad input, 3 runtime failure.
 */
import { Command, CommanderError } from 'commander';
import { registerAuth } from './auth.js';
import { inertText } from '../../shared/inertText.js';
import { EXIT, printError } from './common.js';
import { registerDiagnose } from './diagnose.js';
import { registerDiscover } from './discover.js';
import { registerHistory } from './history.js';
import { registerPrivilegedHelper } from './helper.js';
import { registerExport } from './export.js';
import { registerServe } from './serve.js';
import { registerShow } from './show.js';

declare const SCANREADY_VERSION: string | undefined;

export function buildProgram(): Command {
  const program = new Command('scanready')
    .description(
      'Why does the vulnerability scanner report this host as "not alive", and will its credentials work?\n' +
        "ScanReady sends the scanner's discovery probes, checks the SSH credentials as an authenticated scan uses them, and says what to change.",
    )
    .version(typeof SCANREADY_VERSION === 'string' ? SCANREADY_VERSION : '0.0.0-dev')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      // Commander's messages quote the user's arguments: make them inert like any outside text.
      outputError: (str, write) => write(`scanready: ${inertText(str.replace(/^error: /, ''), { multiline: true })}`),
    });
  registerDiscover(program);
  registerAuth(program);
  registerDiagnose(program);
  registerServe(program);
  registerHistory(program);
  registerPrivilegedHelper(program);
  registerExport(program);
  registerShow(program);
  return program;
}

async function main(): Promise<void> {
  // `scanready ... | head` closes the pipe early: that is the reader's choice, not a failure.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
      throw err;
    });
  }
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander; everything else is bad input.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
      return;
    }
    printError((err as Error).message);
    process.exitCode = EXIT.runtime;
  }
}

void main();
