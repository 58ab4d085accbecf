#!/usr/bin/env bash
# Reference Apache Kafka (from Maven Central) for Eddy's tests and benchmarks.
#
#   kafka.sh fetch                      download the jars into the cache (idempotent; prints the libs dir)
#   kafka.sh libs                       print the libs dir (fetching first if needed)
#   kafka.sh check                      exit 0 if Java >= 17 and the jars are cached or Maven can fetch them
#   kafka.sh start --nodes 1|3 --port P --dir DIR [--controller-port C] [--prop k=v]... [--timeout S]
#                                       format KRaft storage, start the JVMs, wait until every broker answers,
#                                       print "bootstrap: 127.0.0.1:P,..." and exit leaving them running.
#                                       P=0 (the default) picks free ports.
#   kafka.sh stop --dir DIR [--purge]   stop what start left in DIR (TERM, then KILL after a grace period),
#                                       remove the pid files and data; --purge removes DIR as well (logs too)
#   kafka.sh status --dir DIR           list the nodes of DIR and whether they are running
#   kafka.sh tool NAME [ARGS...]        run a Kafka command-line tool (kafka-topics, kafka-console-producer, ...)
#   kafka.sh tools                      list the tool names and their main classes
#
# Environment: EDDY_CACHE_DIR (default ~/.cache/eddy), JAVA_HOME, KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_OPTS (extra JVM flags for everything), EDDY_KAFKA_TOOL_JVM_OPTS (replaces the fast-start tool flags).
# See test/reference/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
POM=$HERE/pom.xml
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n 1)
CACHE_DIR=${EDDY_CACHE_DIR:-$HOME/.cache/eddy}
KAFKA_HOME=$CACHE_DIR/kafka-$KAFKA_VERSION
LIBS=$KAFKA_HOME/libs
M2_REPO=$CACHE_DIR/m2
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

die() { echo "kafka.sh: $*" >&2; exit 1; }
log() { echo "kafka.sh: $*" >&2; }

# ---------------------------------------------------------------------------------------------- tools

# Main classes of the tools in Kafka 4.x (most moved from kafka.tools / kafka.admin to org.apache.kafka.tools).
tool_class() {
  case "${1%.sh}" in
    kafka-topics) echo org.apache.kafka.tools.TopicCommand ;;
    kafka-configs) echo org.apache.kafka.tools.ConfigCommand ;;
    kafka-consumer-groups) echo org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    kafka-share-groups) echo org.apache.kafka.tools.consumer.group.ShareGroupCommand ;;
    kafka-groups) echo org.apache.kafka.tools.GroupsCommand ;;
    kafka-console-producer) echo org.apache.kafka.tools.ConsoleProducer ;;
    kafka-console-consumer) echo org.apache.kafka.tools.consumer.ConsoleConsumer ;;
    kafka-console-share-consumer) echo org.apache.kafka.tools.consumer.ConsoleShareConsumer ;;
    kafka-producer-perf-test) echo org.apache.kafka.tools.ProducerPerformance ;;
    kafka-consumer-perf-test) echo org.apache.kafka.tools.ConsumerPerformance ;;
    kafka-e2e-latency) echo org.apache.kafka.tools.EndToEndLatency ;;
    kafka-get-offsets) echo org.apache.kafka.tools.GetOffsetShell ;;
    kafka-broker-api-versions) echo org.apache.kafka.tools.BrokerApiVersionsCommand ;;
    kafka-delete-records) echo org.apache.kafka.tools.DeleteRecordsCommand ;;
    kafka-log-dirs) echo org.apache.kafka.tools.LogDirsCommand ;;
    kafka-leader-election) echo org.apache.kafka.tools.LeaderElectionCommand ;;
    kafka-reassign-partitions) echo org.apache.kafka.tools.reassign.ReassignPartitionsCommand ;;
    kafka-transactions) echo org.apache.kafka.tools.TransactionsCommand ;;
    kafka-features) echo org.apache.kafka.tools.FeatureCommand ;;
    kafka-metadata-quorum) echo org.apache.kafka.tools.MetadataQuorumCommand ;;
    kafka-cluster) echo org.apache.kafka.tools.ClusterTool ;;
    kafka-acls) echo org.apache.kafka.tools.AclCommand ;;
    kafka-client-metrics) echo org.apache.kafka.tools.ClientMetricsCommand ;;
    kafka-storage) echo kafka.tools.StorageTool ;;
    kafka-server-start) echo kafka.Kafka ;;
    *) return 1 ;;
  esac
}
TOOL_NAMES="kafka-topics kafka-configs kafka-consumer-groups kafka-share-groups kafka-groups kafka-console-producer
kafka-console-consumer kafka-console-share-consumer kafka-producer-perf-test kafka-consumer-perf-test kafka-e2e-latency
kafka-get-offsets kafka-broker-api-versions kafka-delete-records kafka-log-dirs kafka-leader-election
kafka-reassign-partitions kafka-transactions kafka-features kafka-metadata-quorum kafka-cluster kafka-acls
kafka-client-metrics kafka-storage"

# JVM flags for tools. Admin and console tools are short-lived: C1 only, serial GC, CDS on. The perf tools
# measure throughput and latency, so they keep the full JIT and G1 (like Kafka's own scripts).
tool_jvm_opts() {
  local heap=${KAFKA_HEAP_OPTS:--Xmx512m}
  case "${1%.sh}" in
    kafka-producer-perf-test | kafka-consumer-perf-test | kafka-e2e-latency)
      echo "$heap ${EDDY_KAFKA_TOOL_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Xshare:auto}" ;;
    *)
      echo "$heap ${EDDY_KAFKA_TOOL_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -XX:-UsePerfData}" ;;
  esac
}

is_fetched() {
  [[ -f $LIBS/.complete ]] && [[ $(cat "$LIBS/.complete") == "$(pom_sum)" ]]
}
pom_sum() { sha256sum "$POM" | cut -d' ' -f1; }

# Short-lived tools use a dynamic CDS archive (class data sharing): the first run records the classes it loads
# into LIBS/.cds/<archive>-<java>.jsa, later runs map them instead of loading them (kafka-topics --list:
# ~0.55s -> ~0.3s). All client tools share one archive ("tools": the admin, producer and consumer classes
# overlap, and an archive from kafka-topics serves the console producer as well as its own); kafka-storage
# has its own, as does the broker (see start). A re-fetch replaces LIBS and so drops stale archives; another
# JVM gets its own archives.
uses_cds() {
  [[ -z ${EDDY_KAFKA_NO_CDS:-} ]] || return 1
  case "${1%.sh}" in
    kafka-producer-perf-test | kafka-consumer-perf-test | kafka-e2e-latency | *.*) return 1 ;;
  esac
}
cds_archive() {
  local real id name
  case "${1%.sh}" in
    kafka-storage | kafka-server) name=${1%.sh} ;;
    *) name=tools ;;
  esac
  real=$(readlink -f "$(command -v "$JAVA")")
  id=$(stat -c '%n %Y %s' "$real" | cksum | cut -d' ' -f1)
  echo "$LIBS/.cds/$name-$id.jsa"
}

# Runs a tool in the foreground with this shell's stdin, stdout and stderr.
run_tool() {
  local name=$1; shift
  local cls
  if [[ $name == *.* ]]; then cls=$name; else cls=$(tool_class "$name") || die "unknown tool '$name' (kafka.sh tools lists them)"; fi
  is_fetched || die "Kafka $KAFKA_VERSION jars are not in $LIBS: run test/reference/kafka.sh fetch"
  # JVM warnings (e.g. CDS) go to stderr: stdout is the tool's output.
  # shellcheck disable=SC2046,SC2206,SC2207
  local cmd=("$JAVA" $(tool_jvm_opts "$name") ${KAFKA_OPTS:-} -Xlog:disable -Xlog:all=warning:stderr
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$HERE/log4j2-tools.properties" -cp "$LIBS/*")
  if ! uses_cds "$name"; then exec "${cmd[@]}" "$cls" "$@"; fi
  local jsa
  jsa=$(cds_archive "$name")
  if [[ -s $jsa ]]; then exec "${cmd[@]}" -XX:SharedArchiveFile="$jsa" "$cls" "$@"; fi
  # A --help or --version run loads too few classes to be worth recording.
  local a
  for a in "$@"; do
    [[ $a == --help || $a == --version ]] && exec "${cmd[@]}" "$cls" "$@"
  done
  # First run of this tool: record the archive to a private file and publish it (atomically) only if the
  # JVM exited normally. The JVM is a child here, so forward termination signals to it.
  mkdir -p "$(dirname "$jsa")"
  local tmp=$jsa.tmp.$$ child rc=0
  "${cmd[@]}" -XX:ArchiveClassesAtExit="$tmp" "-Xlog:cds*=error:stderr" "$cls" "$@" <&0 &
  child=$!
  trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
  wait "$child" || rc=$?
  while kill -0 "$child" 2>/dev/null; do rc=0; wait "$child" || rc=$?; done
  rc=0; wait "$child" || rc=$?
  trap - TERM INT HUP
  if ((rc < 128)) && [[ -s $tmp ]]; then mv -f "$tmp" "$jsa"; else rm -f "$tmp"; fi
  exit "$rc"
}

# ---------------------------------------------------------------------------------------------- fetch

java_major() {
  local v
  v=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1) || return 1
  [[ -n $v ]] || return 1
  v=${v#1.}
  echo "${v%%[.+-]*}"
}

fetch() {
  if is_fetched; then echo "$LIBS"; return 0; fi
  command -v mvn >/dev/null || die "mvn not found: install Maven (apt-get install maven) to fetch Kafka $KAFKA_VERSION"
  mkdir -p "$KAFKA_HOME"
  # Serialise concurrent fetches (e.g. two test files starting at once).
  exec 9>"$KAFKA_HOME/.fetch.lock"
  command -v flock >/dev/null && flock 9
  if is_fetched; then echo "$LIBS"; return 0; fi
  local tmp=$KAFKA_HOME/libs.tmp.$$ started=$SECONDS
  rm -rf "$tmp"
  log "fetching Apache Kafka $KAFKA_VERSION from Maven Central into $LIBS"
  # Maven writes nothing into the repo: output goes to the cache, the local repository lives in the cache.
  # (Maven 3.8's -q still prints bare colour resets: strip escape sequences.)
  if ! mvn -q -B -Dstyle.color=never -f "$POM" -Dmaven.repo.local="$M2_REPO" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 |
      sed -u -e $'s/\x1b\\[[0-9;]*m//g' -e '/^$/d' >&2; then
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed"
  fi
  local j
  for j in "kafka_2.13-$KAFKA_VERSION.jar" "kafka-tools-$KAFKA_VERSION.jar" "kafka-clients-$KAFKA_VERSION.jar" log4j-core-*.jar; do
    compgen -G "$tmp/$j" >/dev/null || { rm -rf "$tmp"; die "fetch incomplete: $j missing"; }
  done
  pom_sum >"$tmp/.complete"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS" | cut -f1)) in $((SECONDS - started))s"
  echo "$LIBS"
}

check() {
  local major
  major=$(java_major) || die "java not found (need Java 17+; set JAVA_HOME or install openjdk-17-jre-headless)"
  ((major >= 17)) || die "Java $major found, Kafka $KAFKA_VERSION needs Java 17+"
  if is_fetched; then echo "$LIBS"; return 0; fi
  command -v mvn >/dev/null || die "Kafka jars not cached in $LIBS and mvn not found to fetch them"
  echo "$LIBS (not fetched yet; mvn available)"
}

# ---------------------------------------------------------------------------------------------- start / stop

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A run of N consecutive ports nothing listens on, below the Linux ephemeral range (32768+).
free_ports() {
  local n=$1 p k ok
  for _ in $(seq 1 200); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    ok=1
    for ((k = 0; k < n; k++)); do
      if port_open $((p + k)); then ok=0; break; fi
    done
    if ((ok)); then echo "$p"; return 0; fi
  done
  die "no free ports found"
}

# Alive and not a zombie (an exited JVM whose parent has not reaped it yet counts as gone).
pid_alive() {
  [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# True if pid is a JVM that start launched for DIR (guards against pid reuse).
pid_ours() {
  local pid=$1 dir=$2
  pid_alive "$pid" && [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/"
}

write_config() {
  local file=$1 id=$2 roles=$3 listeners=$4 advertised=$5 nodes=$6 voters=$7
  shift 7
  local min_isr=$((nodes < 2 ? 1 : 2))
  {
    echo "# Written by test/reference/kafka.sh: reference Kafka for local tests, not for production."
    echo "process.roles=$roles"
    echo "node.id=$id"
    echo "controller.quorum.voters=$voters"
    echo "listeners=$listeners"
    [[ -n $advertised ]] && echo "advertised.listeners=$advertised"
    echo "controller.listener.names=CONTROLLER"
    [[ $roles == *broker* ]] && echo "inter.broker.listener.name=PLAINTEXT"
    echo "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
    echo "log.dirs=$DIR/node-$id/data"
    echo "auto.create.topics.enable=true"
    echo "offsets.topic.replication.factor=$nodes"
    echo "offsets.topic.num.partitions=10"
    echo "transaction.state.log.replication.factor=$nodes"
    echo "transaction.state.log.min.isr=$min_isr"
    echo "transaction.state.log.num.partitions=10"
    echo "share.coordinator.state.topic.replication.factor=$nodes"
    echo "share.coordinator.state.topic.min.isr=$min_isr"
    echo "group.initial.rebalance.delay.ms=0"
    echo "num.recovery.threads.per.data.dir=1"
    echo "log.cleaner.dedupe.buffer.size=33554432"
    local p
    for p in "$@"; do echo "$p"; done
  } >"$file"
}

start() {
  local nodes=1 port=0 cport=0 timeout=120 props=()
  DIR=
  while (($#)); do
    case $1 in
      --nodes) nodes=$2; shift 2 ;;
      --port) port=$2; shift 2 ;;
      --controller-port) cport=$2; shift 2 ;;
      --dir) DIR=$2; shift 2 ;;
      --prop) props+=("$2"); shift 2 ;;
      --timeout) timeout=$2; shift 2 ;;
      *) die "start: unknown argument $1" ;;
    esac
  done
  [[ $nodes == 1 || $nodes == 3 ]] || die "start: --nodes must be 1 or 3"
  [[ -n $DIR ]] || die "start: --dir is required"
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  local f
  for f in "$DIR"/*.pid; do
    [[ -e $f ]] || continue
    pid_ours "$(cat "$f")" "$DIR" && die "start: $DIR already has a running node ($(basename "$f")); kafka.sh stop --dir $DIR first"
    rm -f "$f"
  done
  local major
  major=$(java_major) || die "java not found (need Java 17+)"
  ((major >= 17)) || die "Java $major found, Kafka $KAFKA_VERSION needs Java 17+"
  is_fetched || fetch >/dev/null

  local t0=$SECONDS
  ((port != 0)) || port=$(free_ports "$nodes")
  ((cport != 0)) || {
    cport=$(free_ports 1)
    while ((cport >= port && cport < port + nodes)); do cport=$(free_ports 1); done
  }
  local i
  for ((i = 0; i < nodes; i++)); do port_open $((port + i)) && die "start: port $((port + i)) is in use"; done
  port_open "$cport" && die "start: controller port $cport is in use"

  # Cluster ids are 16 random bytes, base64url without padding (what kafka-storage random-uuid prints).
  local cluster_id
  # Like Kafka's Uuid.randomUuid(), never one starting with '-', which the tool's argument parser takes for a flag.
  cluster_id=-
  while [[ $cluster_id == -* ]]; do
    cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  done

  # Node ids: one node -> 1 (broker+controller); three -> brokers 1,2,3 and controller 100.
  local ids=() brokers=()
  if ((nodes == 1)); then
    ids=(1)
    brokers=(1)
    write_config "$DIR/node-1.properties" 1 broker,controller \
      "PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport" "PLAINTEXT://127.0.0.1:$port" 1 "1@127.0.0.1:$cport" "${props[@]}"
  else
    ids=(100 1 2 3)
    brokers=(1 2 3)
    write_config "$DIR/node-100.properties" 100 controller "CONTROLLER://127.0.0.1:$cport" "" 3 "100@127.0.0.1:$cport" "${props[@]}"
    for i in 1 2 3; do
      local p=$((port + i - 1))
      write_config "$DIR/node-$i.properties" "$i" broker "PLAINTEXT://127.0.0.1:$p" "PLAINTEXT://127.0.0.1:$p" 3 \
        "100@127.0.0.1:$cport" "${props[@]}"
    done
  fi

  # Format every node's storage (in parallel: one short JVM each).
  local fmt_pids=() id
  for id in "${ids[@]}"; do
    rm -rf "$DIR/node-$id"
    "$HERE/kafka.sh" tool kafka-storage \
      format -t "$cluster_id" -c "$DIR/node-$id.properties" >"$DIR/node-$id.format.log" 2>&1 &
    fmt_pids+=($!)
  done
  for i in "${!fmt_pids[@]}"; do
    wait "${fmt_pids[$i]}" || { cat "$DIR/node-${ids[$i]}.format.log" >&2; die "start: formatting node ${ids[$i]} failed"; }
  done
  local t_format=$((SECONDS - t0))

  # Launch the JVMs, each in its own session (a Ctrl-C or a test runner's process-group kill does not reach
  # them; stop does). The inner shell writes its own pid and then becomes the JVM, so the pid file is exact.
  # Brokers keep Kafka's own JVM settings (G1, full JIT) so benchmarks against them are fair; the dedicated
  # controller only serves metadata, so it gets the fast-start settings. All nodes map a CDS archive of the
  # server classes (LIBS/.cds/kafka-server-*.jsa: JVM start ~1.8s -> ~1.1s); when there is none yet, the
  # first broker records it at exit and stop publishes it.
  local heap_broker=${KAFKA_HEAP_OPTS:--Xms512m -Xmx512m}
  local heap_controller=${KAFKA_HEAP_OPTS:--Xms256m -Xmx256m}
  local perf_broker=${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Xshare:auto}
  local perf_controller=${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto}
  local jsa="" recording=""
  if uses_cds kafka-server; then jsa=$(cds_archive kafka-server); fi
  for id in "${ids[@]}"; do
    local heap=$heap_broker perf=$perf_broker cds=()
    if ((id == 100)); then heap=$heap_controller perf=$perf_controller; fi
    if [[ -n $jsa && -s $jsa ]]; then
      cds=(-XX:SharedArchiveFile="$jsa")
    elif [[ -n $jsa && -z $recording ]] && ((id != 100)); then
      recording=$id
      rm -f "$DIR/node-$id.jsa.tmp"
      cds=(-XX:ArchiveClassesAtExit="$DIR/node-$id.jsa.tmp" "-Xlog:cds*=error")
    fi
    # shellcheck disable=SC2016,SC2086
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$DIR/node-$id.pid" \
      "$JAVA" $heap $perf "${cds[@]}" ${KAFKA_OPTS:-} -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$HERE/log4j2-broker.properties" -Dkafka.logs.dir="$DIR" \
      -cp "$LIBS/*" kafka.Kafka "$DIR/node-$id.properties" \
      >"$DIR/node-$id.log" 2>&1 </dev/null &
  done
  for id in "${ids[@]}"; do
    local w=0
    while [[ ! -s $DIR/node-$id.pid ]] && ((w < 50)); do sleep 0.1; w=$((w + 1)); done
  done

  fail_start() {
    local id
    for id in "${ids[@]}"; do
      echo "---- $DIR/node-$id.log (last lines)" >&2
      tail -n 30 "$DIR/node-$id.log" >&2 || true
    done
    stop --dir "$DIR" >/dev/null 2>&1 || true
    die "start: $*"
  }
  all_alive() {
    local id
    for id in "${ids[@]}"; do
      pid_alive "$(cat "$DIR/node-$id.pid" 2>/dev/null)" || { echo "$id"; return 1; }
    done
  }

  # Wait for every broker port to accept connections.
  local deadline=$((SECONDS + timeout)) dead
  for ((i = 0; i < nodes; i++)); do
    until port_open $((port + i)); do
      dead=$(all_alive) || fail_start "node $dead exited during startup"
      ((SECONDS < deadline)) || fail_start "timed out after ${timeout}s waiting for 127.0.0.1:$((port + i))"
      sleep 0.2
    done
  done
  local t_listen=$((SECONDS - t0))

  # Then wait until every broker is registered, unfenced and answers ApiVersions: kafka-broker-api-versions
  # lists exactly the brokers the cluster metadata returns.
  local bootstrap="" out ok
  for ((i = 0; i < nodes; i++)); do bootstrap+="${bootstrap:+,}127.0.0.1:$((port + i))"; done
  while :; do
    ok=1
    out=$(timeout 30 "$HERE/kafka.sh" tool kafka-broker-api-versions --bootstrap-server "$bootstrap" 2>&1) || ok=0
    if ((ok)); then
      for id in "${brokers[@]}"; do
        grep -q "(id: $id " <<<"$out" || { ok=0; break; }
      done
    fi
    ((ok)) && break
    dead=$(all_alive) || fail_start "node $dead exited during startup"
    ((SECONDS < deadline)) || { echo "$out" | tail -n 20 >&2; fail_start "timed out after ${timeout}s waiting for the brokers to answer"; }
    sleep 0.3
  done
  echo "$bootstrap" >"$DIR/bootstrap"
  log "Kafka $KAFKA_VERSION up in $((SECONDS - t0))s (format ${t_format}s, listening ${t_listen}s); logs in $DIR/node-*.log"
  echo "bootstrap: $bootstrap"
}

stop() {
  local purge=0 grace=20
  DIR=
  while (($#)); do
    case $1 in
      --dir) DIR=$2; shift 2 ;;
      --purge) purge=1; shift ;;
      --grace) grace=$2; shift 2 ;;
      *) die "stop: unknown argument $1" ;;
    esac
  done
  [[ -n $DIR ]] || die "stop: --dir is required"
  [[ -d $DIR ]] || return 0
  DIR=$(cd "$DIR" && pwd)
  # Brokers first (their controlled shutdown talks to the controller), then the controller.
  local phase f pid pids id killed=()
  for phase in brokers controller; do
    pids=()
    for f in "$DIR"/node-*.pid; do
      [[ -e $f ]] || continue
      id=$(basename "$f" .pid); id=${id#node-}
      if [[ $phase == brokers ]]; then ((id != 100)) || continue; else ((id == 100)) || continue; fi
      pid=$(cat "$f" 2>/dev/null || true)
      if pid_ours "$pid" "$DIR"; then
        kill -TERM "$pid" 2>/dev/null || true
        pids+=("$pid")
      fi
    done
    local deadline=$((SECONDS + grace))
    for pid in "${pids[@]}"; do
      while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
      if pid_alive "$pid"; then
        log "node pid $pid did not stop within ${grace}s: killing"
        kill -KILL "$pid" 2>/dev/null || true
        killed+=("$pid")
        while pid_alive "$pid"; do sleep 0.05; done
      fi
    done
  done
  # Publish a CDS archive that start asked a broker to record, if that broker exited normally.
  local tmp jsa
  for tmp in "$DIR"/node-*.jsa.tmp; do
    [[ -e $tmp ]] || continue
    id=$(basename "$tmp" .jsa.tmp); id=${id#node-}
    jsa=$(cds_archive kafka-server)
    if [[ -s $tmp && ! -e $jsa ]] && [[ " ${killed[*]} " != *" $(cat "$DIR/node-$id.pid" 2>/dev/null) "* ]]; then
      mkdir -p "$(dirname "$jsa")"
      mv -f "$tmp" "$jsa.tmp.$$" && mv -f "$jsa.tmp.$$" "$jsa"
    fi
    rm -f "$tmp"
  done
  rm -f "$DIR"/node-*.pid "$DIR/bootstrap"
  rm -rf "$DIR"/node-*/
  if ((purge)); then rm -rf "$DIR"; fi
  log "stopped $DIR"
}

status() {
  DIR=
  while (($#)); do
    case $1 in
      --dir) DIR=$2; shift 2 ;;
      *) die "status: unknown argument $1" ;;
    esac
  done
  [[ -n $DIR && -d $DIR ]] || die "status: no such dir ${DIR:-(none)}"
  DIR=$(cd "$DIR" && pwd)
  local f pid running=0
  for f in "$DIR"/node-*.pid; do
    [[ -e $f ]] || continue
    pid=$(cat "$f")
    if pid_ours "$pid" "$DIR"; then echo "$(basename "$f" .pid) pid $pid running"; running=1
    else echo "$(basename "$f" .pid) pid $pid not running"; fi
  done
  [[ -f $DIR/bootstrap ]] && echo "bootstrap: $(cat "$DIR/bootstrap")"
  ((running))
}

# ---------------------------------------------------------------------------------------------- main

subcommand=${1:-}
shift || true
case $subcommand in
  fetch) fetch ;;
  libs) fetch ;;
  check) check ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  status) status "$@" ;;
  tool) (($#)) || die "tool: name required"; run_tool "$@" ;;
  tools) for t in $TOOL_NAMES; do printf '%-32s %s\n' "$t" "$(tool_class "$t")"; done ;;
  version) echo "$KAFKA_VERSION" ;;
  *) sed -n '2,20s/^# \{0,1\}//p' "$0"; [[ -z $subcommand || $subcommand == help || $subcommand == -h || $subcommand == --help ]] || exit 2 ;;
esac
