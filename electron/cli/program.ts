/**
 * The `scanready` command tree, shared by the Node CLI (electron/cli/main.ts) and the packaged
 * app's CLI mode (`ScanReady --scanready-cli ...`, electron/app/main.ts).
 * Exit status across commands: 0 ok, 1 "not ok" outcome, 2 bad input, 3 runtime failure.
 *
 * Start-up cost matters (`scanready --help` runs on jump hosts over SSH): only the command that
 * runs (or whose help is asked for) loads its module; the others are listed from commands.ts.
 * The modules themselves import their engines (raw sockets, ssh2, the web server, the zip
 * writer) inside their actions.
 */
import { Command, CommanderError } from 'commander';
import { addCommand, COMMANDS, type CommandContext } from './commands.js';
import { EXIT } from './exit.js';
import { inertText } from '../../shared/inertText.js';

declare const SCANREADY_VERSION: string | undefined;

export type ProgramContext = CommandContext;

/** The command named in `args` (`scanready help X` asks for X), or null for the top level. */
function invokedCommand(args: readonly string[]): string | null {
  const words = args.filter((a) => !a.startsWith('-'));
  const first = words[0];
  if (first === 'help') return words[1] ?? null;
  return first ?? null;
}

/** The program with every command; `full` names those that get their options and action. */
export async function buildProgram(ctx: ProgramContext = {}, full: 'all' | readonly string[] = 'all'): Promise<Command> {
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
  for (const spec of COMMANDS) {
    const cmd = addCommand(program, spec);
    if (full === 'all' || full.includes(spec.name)) (await spec.load())(cmd, ctx);
  }
  return program;
}

/**
 * Parses `args` (the user's arguments, without node and the script) and runs the command.
 * Resolves with the exit status; the caller exits (plain Node: when the event loop drains).
 */
export async function runCli(args: readonly string[], ctx: ProgramContext = {}): Promise<number> {
  const name = invokedCommand(args);
  const program = await buildProgram(ctx, name === null ? [] : [name]);
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (err) {
    // help and version are "errors" to commander; everything else is bad input.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    process.stderr.write(`scanready: ${inertText(err instanceof Error ? err.message : String(err))}\n`);
    return EXIT.runtime;
  }
  const code = process.exitCode;
  return typeof code === 'number' ? code : Number(code ?? EXIT.ok);
}
