// `npm run check:electron`: Doyensec's Electronegativity over the project (sources, built renderer
// HTML, package.json). Electronegativity 1.10 requires `commander` without declaring it and expects
// v2's API, while this project uses commander 14: its own requests are pointed at the v2 copy
// installed as the `commander-v2` alias. Everything else runs as the tool's own CLI.
'use strict';
const Module = require('node:module');
const path = require('node:path');

const original = Module._resolveFilename;
const ownDir = `${path.sep}@doyensec${path.sep}electronegativity${path.sep}`;
Module._resolveFilename = function resolve(request, parent, ...rest) {
  const fromTool = request === 'commander' && parent && typeof parent.filename === 'string' && parent.filename.includes(ownDir);
  return original.call(this, fromTool ? 'commander-v2' : request, parent, ...rest);
};
const cli = require.resolve('@doyensec/electronegativity/dist/index.js');
process.argv.splice(1, 1, cli);
require(cli);
