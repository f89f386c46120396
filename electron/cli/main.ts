/** `scanready` under plain Node: the entry of dist/cli/ (see electron/cli/program.ts for the commands). */
import { EXIT } from './exit.js';
import { runCli } from './program.js';

// `scanready ... | head` closes the pipe early: that is the reader's choice, not a failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw err;
  });
}

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
