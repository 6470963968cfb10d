#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft, broker + controller) on 127.0.0.1, from the official
# artifacts on Maven Central, for machines without Docker.
#   scripts/kafka.sh fetch|start|stop|status|logs
# Env: KAFKA_VERSION (3.9.1), KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093),
#      KAFKA_DATA_DIR (<repo>/.data/kafka), KAFKA_CACHE_DIR (~/.cache/usage-analytics/kafka-<version>),
#      KAFKA_RESET=1 wipes the data directory before start.
# Kafka 3.9 because kafkajs 2.2.4 predates the protocol removals of Kafka 4.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
version="${KAFKA_VERSION:-3.9.1}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
data_dir="${KAFKA_DATA_DIR:-$repo/.data/kafka}"
cache_dir="${KAFKA_CACHE_DIR:-$HOME/.cache/usage-analytics/kafka-$version}"
libs="$cache_dir/libs"
pid_file="$data_dir/kafka.pid"
log_file="$data_dir/kafka.out"

say() { printf '[kafka] %s\n' "$*"; }

fetch() {
  if [ -f "$libs/.complete" ]; then
    say "jars cached in $libs"
    return
  fi
  command -v mvn >/dev/null || { say "mvn is required (apt-get install maven)"; exit 1; }
  say "fetching Apache Kafka $version jars from Maven Central…"
  local work
  work="$(mktemp -d)"
  # kafka_2.13's POM does not bring a logging binding; slf4j-reload4j + reload4j make the broker log.
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
      <version>$version</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId>
      <version>$version</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId>
      <version>1.7.36</version>
    </dependency>
    <dependency>
      <groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId>
      <version>1.2.25</version>
    </dependency>
  </dependencies>
</project>
POM
  rm -rf "$libs"
  mkdir -p "$libs"
  mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs"
  rm -rf "$work"
  touch "$libs/.complete"
  say "cached $(ls "$libs" | grep -c '\.jar$') jars in $libs"
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

write_config() {
  mkdir -p "$data_dir/logs"
  cat >"$data_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data_dir/logs
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=168
PROPS
  cat >"$data_dir/log4j.properties" <<'LOG4J'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
LOG4J
}

start() {
  local t0=$SECONDS
  if running && port_open; then
    say "already running on 127.0.0.1:$port (pid $(cat "$pid_file"))"
    return
  fi
  command -v java >/dev/null || { say "java (17+) is required"; exit 1; }
  fetch
  if [ "${KAFKA_RESET:-0}" = 1 ]; then
    say "KAFKA_RESET=1: wiping $data_dir"
    rm -rf "$data_dir"
  fi
  if port_open; then
    say "port $port is taken by another process; set KAFKA_PORT"
    exit 1
  fi
  write_config
  local cp="$libs/*"
  if [ ! -f "$data_dir/logs/meta.properties" ]; then
    local cluster_id
    cluster_id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    java -Dlog4j.configuration="file:$data_dir/log4j.properties" -cp "$cp" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$data_dir/server.properties" --ignore-formatted >/dev/null
    say "formatted KRaft storage (cluster $cluster_id)"
  fi
  nohup java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$data_dir/log4j.properties" \
    -cp "$cp" kafka.Kafka "$data_dir/server.properties" >"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 1 120); do
    if ! running; then
      say "broker exited during start; last log lines:"
      tail -n 50 "$log_file" >&2
      exit 1
    fi
    if port_open && grep -q "Kafka Server started\|Transition from STARTING to STARTED" "$log_file"; then
      say "Kafka $version listening on 127.0.0.1:$port (pid $(cat "$pid_file")), started in $((SECONDS - t0)) s"
      return
    fi
    sleep 0.5
  done
  say "broker did not answer within 60 s; last log lines:"
  tail -n 50 "$log_file" >&2
  stop
  exit 1
}

stop() {
  if ! running; then
    rm -f "$pid_file"
    say "not running"
    return
  fi
  local pid
  pid="$(cat "$pid_file")"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid ignored SIGTERM for 30 s; killing"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
  say "stopped (pid $pid)"
}

status() {
  if running && port_open; then
    say "running on 127.0.0.1:$port (pid $(cat "$pid_file"))"
  else
    say "not running"
    return 1
  fi
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  logs) tail -n "${2:-100}" "$log_file" ;;
  *) echo "usage: $0 fetch|start|stop|status|logs" >&2; exit 2 ;;
esac
