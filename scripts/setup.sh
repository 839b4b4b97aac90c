#!/usr/bin/env bash
# Fresh-machine set-up: pnpm at the version pinned in package.json, then the locked install.
# Idempotent and quiet when everything is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
have=$(pnpm --version 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing pnpm@$want" >&2
  npm install --global --no-audit --no-fund "pnpm@$want" >&2
fi
pnpm install --frozen-lockfile --prefer-offline --reporter=silent >&2
# The loom CLI as one plain-JavaScript file (tooling/composer/dist/loom.mjs): `pnpm loom` starts without tsx.
node tooling/composer/scripts/bundle-cli.mjs >&2
