// Placeholder entry: subcommands are registered in electron/cli/*.ts (see CLI contract in the issues).
process.stdout.write('scanready: CLI under construction\n');
