#!/usr/bin/env node
'use strict';
// The CLI entry (`npx scanready ...`). The TypeScript sources are bundled into dist/ by
// `npm install` (the `prepare` script) or `npm run build`.
const path = require('node:path');
const fs = require('node:fs');

const cli = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(cli)) {
  process.stderr.write('scanready: dist/cli.cjs is missing — run `npm run build` in the ScanReady checkout first.\n');
  process.exit(3);
}
require(cli);
