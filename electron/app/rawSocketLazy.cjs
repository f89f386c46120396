'use strict';
// Stands in for `raw-socket` in the Electron main bundle (see scripts/build.mjs).
// node_modules/raw-socket is compiled for Node's ABI (the CLI and the tests use it); inside an
// unpackaged Electron it would fail to load and take the whole app down at start. Loading it on
// first use turns that into "raw sockets unavailable": the app runs its unprivileged fallbacks,
// and "Run privileged probes" uses the CLI under Node. Packaged builds rebuild the addon for
// Electron (electron-builder npmRebuild), where it loads normally.
let mod = null;
let loadError = null;

function load() {
  if (mod === null && loadError === null) {
    try {
      mod = require('raw-socket');
    } catch (err) {
      loadError = err instanceof Error ? err : new Error(String(err));
    }
  }
  if (mod === null) throw loadError;
  return mod;
}

module.exports = new Proxy(
  {},
  {
    get(_target, key) {
      // Interop probes by the bundler must not trigger the native load.
      if (typeof key === 'symbol' || key === '__esModule' || key === 'then') return undefined;
      return load()[key];
    },
  },
);
