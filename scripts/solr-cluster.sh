#!/usr/bin/env bash
# A SolrCloud on loopback (2 nodes, embedded ZooKeeper, collection "ttdn" of 2 shards x 2
# replicas, the configset in solr/configset) for tests and for trying TTDN_SEARCH.
#
#   scripts/solr-cluster.sh build    build the Java module (solr/) when its sources changed
#   scripts/solr-cluster.sh start    start it (or find it running); prints the TTDN_SEARCH value
#   scripts/solr-cluster.sh stop     stop it cleanly (SIGTERM, then wait)
#   scripts/solr-cluster.sh status   the state file: pid, nodes, control port, TTDN_SEARCH
#
# TTDN_SOLR_STATE (default data/solr-cluster) holds the state file, the log and the nodes' data.
# TTDN_SOLR_HEAP (768m), TTDN_SOLR_GC (-XX:+UseSerialGC) and TTDN_SOLR_OPTS (more JVM options)
# size the JVM.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODULE="$ROOT/solr"
STATE_DIR="${TTDN_SOLR_STATE:-$ROOT/data/solr-cluster}"
STATE="$STATE_DIR/state"
LOG="$STATE_DIR/solr.log"
JAR="$MODULE/target/ttdn-solr-cluster-0.1.0.jar"
CLASSPATH_FILE="$MODULE/target/classpath.txt"
HEAP="${TTDN_SOLR_HEAP:-768m}"
# The collector, and any further JVM options (-D system properties: ttdn.* for the launcher,
# solr.* for solrconfig.xml); bench/solr_scale.py runs a bigger, bulk-loading cluster with them.
GC="${TTDN_SOLR_GC:--XX:+UseSerialGC}"
read -r -a EXTRA_OPTS <<<"${TTDN_SOLR_OPTS:-}"
WAIT="${TTDN_SOLR_WAIT:-240}"  # seconds the cluster may take to come up

need() {
  command -v "$1" >/dev/null || {
    echo "solr-cluster: $1 is missing; install it with: apt-get install -y $2" >&2
    exit 1
  }
}

build() {
  need java openjdk-17-jdk-headless
  need mvn maven
  local newest
  newest="$(find "$MODULE/pom.xml" "$MODULE/src" -newer "$JAR" -type f 2>/dev/null | head -1 || true)"
  if [ -f "$JAR" ] && [ -f "$CLASSPATH_FILE" ] && [ -z "$newest" ]; then
    return 0
  fi
  echo "solr-cluster: building solr/ with Maven (Solr's jars come from Maven Central the first time)" >&2
  mvn -B -q -f "$MODULE/pom.xml" package -DskipTests >&2
}

running_pid() {
  [ -f "$STATE" ] || return 1
  local pid
  pid="$(sed -n 's/^pid=//p' "$STATE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  if running_pid >/dev/null; then
    sed -n 's/^search=//p' "$STATE"
    return 0
  fi
  build
  mkdir -p "$STATE_DIR"
  rm -f "$STATE"
  rm -rf "$STATE_DIR/nodes"
  local started=$SECONDS
  # setsid: the cluster outlives this script and the make that ran it; stop sends SIGTERM.
  local watch=()
  # TTDN_SOLR_WATCH_PID: the cluster stops by itself when that process ends (a test session).
  [ -n "${TTDN_SOLR_WATCH_PID:-}" ] && watch=(-Dttdn.watchPid="$TTDN_SOLR_WATCH_PID")
  setsid java -Xmx"$HEAP" "$GC" -Dsolr.log.dir="$STATE_DIR" "${watch[@]}" "${EXTRA_OPTS[@]}" \
    -cp "$JAR:$(cat "$CLASSPATH_FILE")" ttdn.solr.LoopbackCluster \
    "$MODULE/configset" "$STATE" "$STATE_DIR/nodes" >"$LOG" 2>&1 </dev/null &
  local pid=$!
  while [ ! -f "$STATE" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "solr-cluster: the cluster stopped while starting; its log, $LOG, ends:" >&2
      tail -20 "$LOG" >&2
      exit 1
    fi
    if [ $((SECONDS - started)) -ge "$WAIT" ]; then
      echo "solr-cluster: not up after ${WAIT}s; see $LOG" >&2
      kill -TERM "$pid" 2>/dev/null || true
      exit 1
    fi
    sleep 0.5
  done
  echo "solr-cluster: up in $((SECONDS - started))s: $(sed -n 's/^nodes=//p' "$STATE")" >&2
  echo "solr-cluster: export TTDN_SEARCH=$(sed -n 's/^search=//p' "$STATE")" >&2
  sed -n 's/^search=//p' "$STATE"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "solr-cluster: not running" >&2
    rm -f "$STATE"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$STATE"; echo "solr-cluster: stopped" >&2; return 0; }
    sleep 0.5
  done
  echo "solr-cluster: pid $pid did not stop within 60s; stopping it hard" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$STATE"
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  status) if running_pid >/dev/null; then cat "$STATE"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 build|start|stop|status" >&2; exit 2 ;;
esac
