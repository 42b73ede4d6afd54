#!/usr/bin/env bash
# Bullpen beside BullMQ, by the protocol of shared/BENCH.md, on a private redis-server.
#
#   scripts/bench.sh                        # enqueue process latency idle, REPS=3 (about 60-70 min)
#   scripts/bench.sh process latency        # some phases (or PHASES="process latency")
#   QUICK=1 scripts/bench.sh                # smoke: 1 rep, 20k jobs, 5k single adds, 5 s latency
#                                           # runs at 500 and 2000/s, 10 s idle windows (~8 min)
#
# Each measurement is its own process (node bench-bullmq.js / java -jar bullpen-bench.jar) that
# prints one RESULT line. Repetitions are interleaved: rep 1 of every configuration for both
# libraries, then rep 2, ...; within a rep the two libraries of one configuration run back to
# back, BullMQ first in odd reps and Bullpen first in even ones.
#
# Environment (defaults in brackets):
#   REPS [3] REP_START [1] PHASES [enqueue process latency idle; also: bee redis]
#   JOBS [100000] (enqueue-bulk and process)   SINGLE_JOBS [20000] (enqueue-single)
#   PROCESS_CONFIGS ["1x1 1x10 1x100 1x500 4x100"] (procs x concurrency)   REMOVES ["false true"]
#   LAT_RATES ["500 2000 5000"] LAT_DURATION [20]   IDLE_WINDOW [60]
#   BENCH_REDIS_PORT [first free port from 6390; never 6379]   BUILD [1]   BENCH_JAVA_OPTS []
#   BENCH_RUN_ID [UTC timestamp]
#
# Output in bench/target/results/: results.jsonl (every RESULT line, all runs), run-<id>.log,
# report-<id>.md (the ratio table, then summarize.js' tables for BullMQ and for Bullpen).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
PEERS_SRC=$(cd "$ROOT/.." && pwd)/shared/bench-peers
RESULTS=$BENCH/target/results
JAR=$BENCH/target/bullpen-bench.jar

if [ "${QUICK:-0}" = 1 ]; then
  : "${REPS:=1}" "${JOBS:=20000}" "${SINGLE_JOBS:=5000}" "${LAT_DURATION:=5}"
  : "${LAT_RATES:=500 2000}" "${IDLE_WINDOW:=10}"
fi
REPS=${REPS:-3}
REP_START=${REP_START:-1}
JOBS=${JOBS:-100000}
SINGLE_JOBS=${SINGLE_JOBS:-20000}
PROCESS_CONFIGS=${PROCESS_CONFIGS:-1x1 1x10 1x100 1x500 4x100}
REMOVES=${REMOVES:-false true}
LAT_RATES=${LAT_RATES:-500 2000 5000}
LAT_DURATION=${LAT_DURATION:-20}
IDLE_WINDOW=${IDLE_WINDOW:-60}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-}
if [ $# -gt 0 ]; then PHASES="$*"; fi
PHASES=${PHASES:-enqueue process latency idle}
export BENCH_RUN_ID=${BENCH_RUN_ID:-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$RESULTS"
OUT=$RESULTS/results.jsonl
LOG=$RESULTS/run-$BENCH_RUN_ID.log
REPORT=$RESULTS/report-$BENCH_RUN_ID.md
RUN_DIR=$BENCH/target/redis-$BENCH_RUN_ID

note() { echo "$*" | tee -a "$LOG"; }

# ------------------------------------------------------------------ private redis-server
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=${BENCH_REDIS_PORT:-}
if [ -z "$PORT" ]; then
  for p in $(seq 6390 6499); do
    if port_free "$p"; then PORT=$p; break; fi
  done
fi
if [ -z "$PORT" ] || [ "$PORT" = 6379 ]; then
  echo "no usable port for the private redis-server (got '${PORT}'; 6379 is never used)" >&2
  exit 1
fi
if ! port_free "$PORT"; then
  echo "port $PORT is in use: the harness FLUSHALLs, so it needs a Redis of its own" >&2
  exit 1
fi

REDIS_PID=
PIDSTAT_PID=
cleanup() {
  if [ -n "$PIDSTAT_PID" ]; then kill "$PIDSTAT_PID" 2>/dev/null || true; fi
  if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$RUN_DIR"
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --dir "$RUN_DIR" --pidfile "$RUN_DIR/redis.pid" --logfile "$RUN_DIR/redis.log"
for _ in $(seq 50); do
  [ -s "$RUN_DIR/redis.pid" ] && redis-cli -p "$PORT" PING >/dev/null 2>&1 && break
  sleep 0.1
done
REDIS_PID=$(cat "$RUN_DIR/redis.pid" 2>/dev/null || true)
if [ -z "$REDIS_PID" ] || [ "$(redis-cli -p "$PORT" INFO server | tr -d '\r' \
    | sed -n 's/^process_id://p')" != "$REDIS_PID" ]; then
  echo "the private redis-server on port $PORT did not start (see $RUN_DIR/redis.log)" >&2
  exit 1
fi
export REDIS_HOST=127.0.0.1 REDIS_PORT=$PORT

# ------------------------------------------------------------------ Node peers (BullMQ)
# ../shared is read-only: use its node_modules when someone installed them, otherwise a copy.
if [ -d "$PEERS_SRC/node_modules" ]; then
  PEERS=$PEERS_SRC
else
  PEERS=$BENCH/target/bench-peers
  mkdir -p "$PEERS"
  (cd "$PEERS_SRC" && tar --exclude=node_modules --exclude=results --exclude=package-lock.json \
    -cf - .) | tar -C "$PEERS" -xf -
  chmod -R u+w "$PEERS"
  if [ ! -d "$PEERS/node_modules" ]; then
    cp "$PEERS_SRC/package-lock.json" "$PEERS/"
    chmod u+w "$PEERS/package-lock.json"
    # npm ci refuses the lock when this npm wants optional platform packages it lacks; npm
    # install then keeps every locked version (checked below).
    (cd "$PEERS" && { npm ci --no-audit --no-fund --loglevel=error \
      || npm install --no-audit --no-fund --loglevel=error; }) >>"$LOG" 2>&1
  fi
fi
for pkg in bullmq ioredis bee-queue; do
  want=$(node -p "require('$PEERS_SRC/package-lock.json').packages['node_modules/$pkg'].version")
  have=$(cd "$PEERS" && node -p "require('$pkg/package.json').version")
  if [ "$want" != "$have" ]; then
    echo "$pkg $have installed in $PEERS, but the lock file pins $want" >&2
    exit 1
  fi
done

# ------------------------------------------------------------------ Bullpen bench jar
if [ "${BUILD:-1}" = 1 ]; then
  (cd "$ROOT" && mvn -B -q -DskipTests -pl bench -am package)
fi
[ -f "$JAR" ] || { echo "missing $JAR (build with BUILD=1)" >&2; exit 1; }

{
  echo "# run $BENCH_RUN_ID  phases: $PHASES  reps: $REPS (from $REP_START)  jobs: $JOBS"
  redis-cli -p "$PORT" INFO server | tr -d '\r' | grep -E 'redis_version|process_id|^hz|io_threads'
  redis-cli -p "$PORT" CONFIG GET save | tr '\n' ' '; echo
  redis-cli -p "$PORT" CONFIG GET appendonly | tr '\n' ' '; echo
  (cd "$PEERS" && node -p "process.version + ' bullmq ' + require('bullmq/package.json').version \
    + ' ioredis ' + require('ioredis/package.json').version")
  java -version 2>&1 | head -1
  echo "BENCH_JAVA_OPTS=$BENCH_JAVA_OPTS"
  nproc; uname -r
} >>"$LOG" 2>&1

if command -v pidstat >/dev/null; then
  pidstat -h -u -C 'node|java|redis-server' 1 >>"$RESULTS/pidstat-$BENCH_RUN_ID.log" 2>&1 &
  PIDSTAT_PID=$!
fi

# ------------------------------------------------------------------ measurements
brief() {
  node -e '
    const r = JSON.parse(process.argv[1]);
    const f = [r.status];
    if (r.jobsPerSec != null) f.push(r.jobsPerSec + " jobs/s");
    if (r.doneMs) f.push("done p99 " + r.doneMs.p99 + " ms");
    if (r.redisCpuUsPerJob != null) f.push("Redis " + r.redisCpuUsPerJob + " µs/job");
    if (r.redisCmdsPerMin != null) f.push(r.redisCmdsPerMin + " cmds/min");
    console.log(f.join(", "));' "$1" 2>/dev/null || echo "(unreadable result)"
}

run() { # label, command...
  local label=$1 line
  shift
  echo "### $(date -u +%T) rep=$BENCH_REP $label: $*" >>"$LOG"
  line=$(timeout 900 "$@" 2>>"$LOG" | tee -a "$LOG" | sed -n 's/^RESULT //p' | tail -1) || true
  if [ -n "$line" ]; then
    echo "$line" >>"$OUT"
    note "$(date -u +%T) rep $BENCH_REP $label -> $(brief "$line")"
  else
    note "$(date -u +%T) rep $BENCH_REP $label -> no RESULT line (see $LOG)"
  fi
  sleep 1
}

pair() { # the same flags for both libraries
  local label="$*"
  if [ $((BENCH_REP % 2)) = 1 ]; then
    run "bullmq  $label" node "$PEERS/bench-bullmq.js" "$@"
    # shellcheck disable=SC2086
    run "bullpen $label" java $BENCH_JAVA_OPTS -jar "$JAR" "$@"
  else
    # shellcheck disable=SC2086
    run "bullpen $label" java $BENCH_JAVA_OPTS -jar "$JAR" "$@"
    run "bullmq  $label" node "$PEERS/bench-bullmq.js" "$@"
  fi
}

note "run $BENCH_RUN_ID on redis-server pid $REDIS_PID port $PORT; phases: $PHASES; reps: $REPS"
for rep in $(seq "$REP_START" $((REP_START + REPS - 1))); do
  export BENCH_REP=$rep
  for phase in $PHASES; do
    case $phase in
      enqueue)
        pair --test enqueue-bulk --jobs "$JOBS" --batch 1000
        pair --test enqueue-single --jobs "$SINGLE_JOBS" --window 100 ;;
      process)
        for remove in $REMOVES; do
          for cfg in $PROCESS_CONFIGS; do
            pair --test process --jobs "$JOBS" --concurrency "${cfg#*x}" --procs "${cfg%x*}" \
              --remove "$remove"
          done
        done ;;
      latency)
        for rate in $LAT_RATES; do
          pair --test latency --rate "$rate" --duration "$LAT_DURATION" --concurrency 50
        done ;;
      idle)
        pair --test idle-none --window "$IDLE_WINDOW"
        pair --test idle-worker --window "$IDLE_WINDOW"
        pair --test idle-events --window "$IDLE_WINDOW" ;;
      bee)
        run "bee     enqueue-bulk" node "$PEERS/bench-bee.js" --test enqueue-bulk --jobs "$JOBS" \
          --batch 1000
        for remove in $REMOVES; do
          for cfg in 1x1 1x10 1x100 4x100; do
            run "bee     process $cfg remove=$remove" node "$PEERS/bench-bee.js" --test process \
              --jobs "$JOBS" --concurrency "${cfg#*x}" --procs "${cfg%x*}" --remove "$remove"
          done
        done
        run "bee     idle-worker" node "$PEERS/bench-bee.js" --test idle-worker \
          --window "$IDLE_WINDOW" ;;
      redis)
        run "redis   redis-benchmark" node "$PEERS/bench-redis.js" --n 200000
        run "ioredis evalsha 1" node "$PEERS/bench-ioredis.js" --script 1
        run "ioredis evalsha 10" node "$PEERS/bench-ioredis.js" --script 10 ;;
      *) note "unknown phase $phase (enqueue process latency idle bee redis)" ;;
    esac
  done
done

# ------------------------------------------------------------------ report
# summarize.js tables only the libraries it knows (bullmq, bee-queue), so Bullpen's rows go
# through it relabelled as bullmq, one file per library, and the headings are named back.
SPLIT=$RESULTS/split-$BENCH_RUN_ID
mkdir -p "$SPLIT"
node -e '
  const fs = require("fs");
  const [file, run, dir] = process.argv.slice(1);
  const rows = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))
    .filter((r) => r.runId === run);
  const peers = rows.filter((r) => r.lib !== "bullpen");
  const ours = rows.filter((r) => r.lib === "bullpen").map((r) => ({ ...r, lib: "bullmq" }));
  const w = (f, rs) => fs.writeFileSync(dir + "/" + f, rs.map((r) => JSON.stringify(r)).join("\n") + "\n");
  w("peers.jsonl", peers);
  w("bullpen-as-bullmq.jsonl", ours);' "$OUT" "$BENCH_RUN_ID" "$SPLIT"
{
  echo "# Bullpen vs BullMQ, run $BENCH_RUN_ID"
  echo
  echo "Command: \`REPS=$REPS JOBS=$JOBS SINGLE_JOBS=$SINGLE_JOBS PROCESS_CONFIGS='$PROCESS_CONFIGS'"\
" REMOVES='$REMOVES' LAT_RATES='$LAT_RATES' LAT_DURATION=$LAT_DURATION IDLE_WINDOW=$IDLE_WINDOW"\
" scripts/bench.sh $PHASES\` (BENCH_JAVA_OPTS='$BENCH_JAVA_OPTS'); Redis $(redis-cli -p "$PORT" \
    INFO server | tr -d '\r' | sed -n 's/^redis_version://p'), private, port $PORT; $(nproc) CPUs;"\
" $(java -version 2>&1 | head -1); node $(node --version)."
  echo
  java -cp "$JAR" dev.bullpen.bench.RatioTable --file "$OUT" --run "$BENCH_RUN_ID"
  echo "## BullMQ (summarize.js)"
  echo
  node "$PEERS/summarize.js" --file "$SPLIT/peers.jsonl"
  echo
  echo "## Bullpen (summarize.js, rows relabelled)"
  echo
  node "$PEERS/summarize.js" --file "$SPLIT/bullpen-as-bullmq.jsonl" | sed 's/bullmq/bullpen/g'
} >"$REPORT" 2>>"$LOG"
java -cp "$JAR" dev.bullpen.bench.RatioTable --file "$OUT" --run "$BENCH_RUN_ID"
note "report: $REPORT"
