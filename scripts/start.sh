#!/usr/bin/env bash
# Brings the whole service up on this machine: Kafka by scripts/kafka.sh, the machine's Postgres,
# the embedded ClickHouse engine (data in .data/clickhouse), and the standalone process (API +
# ingest worker), compiled into dist/ first when dist/ is missing or older than the sources.
# Ctrl-C stops the service; `npm run kafka -- stop` stops the broker.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm install --no-audit --no-fund --no-save
# a broker already listening (another checkout's, a service) is used as it is
if [ -n "${KAFKA_BROKERS:-}" ] || (exec 3<>/dev/tcp/127.0.0.1/"${KAFKA_PORT:-9092}") 2>/dev/null; then
  echo "kafka: using ${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
else
  bash scripts/kafka.sh start
fi

node -e "
const { Client } = require('pg');
const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/usage_analytics');
url.pathname = '/postgres';
const c = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
c.connect().then(() => c.end()).catch((e) => {
  console.error('Postgres does not answer at ' + url.host + ': ' + e.message);
  process.exit(1);
});
"

mkdir -p .data
if [ -z "${SERVICE_TOKEN:-}" ] && [ -z "${SERVICE_TOKENS:-}" ]; then
  # a local service token for the gateway and scripts, created once, readable by this user only
  if [ ! -s .data/service-token ]; then
    (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(24).toString('base64url'))" \
      > .data/service-token)
  fi
  SERVICE_TOKEN="$(cat .data/service-token)"
  export SERVICE_TOKEN
  echo "service token: in .data/service-token (Authorization: Bearer \$(cat .data/service-token))"
fi

if [ -z "${WEBHOOK_SECRET_KEY:-}" ]; then
  # the key that encrypts webhook signing secrets at rest, created once, readable by this user only
  if [ ! -s .data/webhook-secret-key ]; then
    (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64'))" \
      > .data/webhook-secret-key)
  fi
  WEBHOOK_SECRET_KEY="$(cat .data/webhook-secret-key)"
  export WEBHOOK_SECRET_KEY
fi

# the dashboard at / (apps/web), rebuilt when its sources are newer than the bundle
node apps/web/build.mjs --if-stale

export NODE_ENV="${NODE_ENV:-production}"
exec bash scripts/run-compiled.sh standalone
