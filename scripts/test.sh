#!/usr/bin/env bash
# The whole test suite: type check, the event-type generator check, then unit and integration
# tests (jest). Integration tests take services from KAFKA_BROKERS / DATABASE_URL /
# CLICKHOUSE_URL, else testcontainers when Docker answers, else the local launchers: the
# project's Kafka script (started here if nothing listens on 127.0.0.1:9092), the machine's
# Postgres and the embedded ClickHouse engine.
set -euo pipefail
cd "$(dirname "$0")/.."

# kcat: an independent Kafka client the e2e tests use; chromium: the browser the dashboard tests drive
for tool in kcat chromium; do
  command -v "$tool" >/dev/null 2>&1 && continue
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $tool…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
  else
    echo "$tool is missing: install it (Debian: apt-get install $tool)" >&2
    exit 1
  fi
done

echo "== type check"
npx tsc -p tsconfig.json --noEmit
npx tsc -p apps/web/tsconfig.json
echo "== generated event types are current"
npx ts-node scripts/generate-event-types.ts --check
echo "== lint (ESLint, type-checked rules) and format (Prettier)"
npx eslint --max-warnings 0 .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
echo "== jest (unit + integration)"
exec npx jest --maxWorkers=2 "$@"
