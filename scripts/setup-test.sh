#!/usr/bin/env bash
# Test set-up for a fresh Debian/Ubuntu machine (also run by .ci/run). Safe to run again:
# installs only what is missing, skips `npm install` when node_modules already matches the lock
# file, and `lab.sh up` repairs the lab idempotently.
#   SETUP_FORCE_NPM_INSTALL=1  always run `npm install`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(
  nftables iproute2 iputils-ping iputils-tracepath traceroute openssh-server openssh-client sudo doas
  chromium nmap xvfb procps psmisc netcat-openbsd iptables net-tools tcpdump xauth fonts-dejavu-core
  # raw-socket's native addon is compiled by node-gyp during npm install
  python3 make g++
)

log() { echo "setup-test: $*" >&2; }
die() { echo "setup-test: error: $*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "run as root (apt packages and the network lab need it)"
  SUDO=(sudo)
fi

# 1. Debian packages (apt-get update only when something is missing).
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  log "Debian packages present"
fi

# 2. Node >= 20.19 (package.json engines).
command -v node >/dev/null || die "node is missing: install Node.js 20.19 or newer"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "node $(node -v) is too old: ScanReady needs 20.19 or newer"

# 3. npm packages, with the README's own command (`npm install`, no extra environment): CI proves
#    it works where Electron's binary download fails (electron is an optional dependency; npm
#    drops it and goes on). Install scripts must run: raw-socket builds its native addon there.
raw_addon=node_modules/raw-socket/build/Release/raw.node
npm_current() {
  [ -f node_modules/.package-lock.json ] && [ -f "$raw_addon" ] \
    && [ node_modules/.package-lock.json -nt package-lock.json ] \
    && npm ls --depth=0 >/dev/null 2>&1
}
if [ "${SETUP_FORCE_NPM_INSTALL:-${SETUP_FORCE_NPM_CI:-0}}" = 1 ] || ! npm_current; then
  log "npm install"
  npm install
else
  log "node_modules matches package-lock.json (SETUP_FORCE_NPM_INSTALL=1 to reinstall)"
fi
[ -f "$raw_addon" ] || die "raw-socket's native addon was not built ($raw_addon): are build tools (python3, make, g++) installed?"

# 3b. Where Electron's binary download failed, npm dropped the whole optional `electron` package.
#     The tests still need its package (not its binary): the type declarations for electron/app and
#     the preload, and the version the packaging checks read. Install it without the download.
if [ ! -f node_modules/electron/electron.d.ts ]; then
  electron_version=$(node -p "require('./package.json').optionalDependencies.electron")
  log "Electron ${electron_version} was not installed (its binary download failed): adding its package without the binary, for type checks and packaging checks"
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-save --no-audit --no-fund "electron@${electron_version}"
fi

# 4. The unprivileged-fallback tests run the engine from this checkout as the ordinary lab user
#    srlab-user: it must be able to traverse to and read the checkout (a clone under a private
#    directory would make those tests fail for the wrong reason). Grant traversal only.
dir=$(pwd -P)
while [ "$dir" != / ]; do
  [ -n "$(find "$dir" -maxdepth 0 -perm -o+x 2>/dev/null)" ] || { log "granting o+x on $dir for srlab-user"; "${SUDO[@]}" chmod o+x "$dir"; }
  dir=$(dirname "$dir")
done

# 5. The network lab.
"${SUDO[@]}" bash e2e/lab/lab.sh up
log "done"
