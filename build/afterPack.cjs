// electron-builder afterPack hook: flip Electron fuses in the packaged binary, before signing.
// Fuses are compiled-in switches that no command-line flag or environment variable can undo.
'use strict';
const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

/** builder-util's Arch enum: 3 = arm64, 4 = universal (both need the ad-hoc signature reset on macOS). */
const ARM64 = 3;
const UNIVERSAL = 4;

function fuseConfig(platform, arch) {
  return {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: platform === 'darwin' && (arch === ARM64 || arch === UNIVERSAL),
    // ELECTRON_RUN_AS_NODE would turn the app into a plain node: off. (The privileged helper
    // uses the app's own --scanready-cli switch instead.)
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    // NODE_OPTIONS / --inspect could inject code into a signed app: off.
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // Only the app.asar we shipped, verified against the hash embedded at build time.
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    // The renderer is served from app://, so file:// needs no extra privileges.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

function executablePath(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  const name = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return path.join(appOutDir, `${name}.app`);
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${name}.exe`);
  return path.join(appOutDir, packager.executableName || name.toLowerCase());
}

async function afterPack(context) {
  await flipFuses(executablePath(context), fuseConfig(context.electronPlatformName, context.arch));
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.fuseConfig = fuseConfig;
module.exports.executablePath = executablePath;
