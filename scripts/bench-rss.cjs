'use strict';
// Runs the bundled CLI in this process and reports its peak RSS (bytes) on stderr at exit,
// so the benchmark measures the real CLI without an extra tool.
const fs = require('node:fs');
const path = require('node:path');

process.on('exit', () => {
  fs.writeSync(2, `\nSCANREADY_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
require(path.join(__dirname, '..', 'dist', 'cli.cjs'));
