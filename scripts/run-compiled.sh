#!/usr/bin/env bash
# Runs one app from dist/ (api, ingest-worker, standalone or cli), compiling first when dist/ is
# missing or older than the sources, so `npm start` and `npm run cli` never run stale code.
# The production image has dist/ and no sources: it runs what it has.
set -euo pipefail
cd "$(dirname "$0")/.."

app="${1:?usage: run-compiled.sh <api|ingest-worker|standalone|cli> [args…]}"
shift
main="dist/apps/$app/src/main.js"

stale() {
  [ -f "$main" ] || return 0
  [ -d apps ] || return 1
  local newer
  newer="$(find apps libs schemas/events tsconfig.json tsconfig.build.json \( -name '*.ts' -o -name '*.json' \) \
    -newer "$main" 2>/dev/null | head -n 1)"
  [ -n "$newer" ]
}

if stale; then
  echo "compiling (tsc -p tsconfig.build.json) …" >&2
  rm -rf dist
  npx tsc -p tsconfig.build.json
fi
exec node -r ./scripts/register-aliases.js "$main" "$@"
