# Shared by scripts/up and scripts/scale-out (source it): development secrets, what
# serves the app, starting app instances and workers, and stopping them all.

# Makes the admin and worker tokens in DIR once and exports them as Spin variables.
# (The checkpoint signing key is the app's own: generated on first use, kept in the
# database.)
dev_secrets() {
  local dir=$1
  mkdir -p "$dir"
  [ -s "$dir/admin_token" ] || head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dir/admin_token"
  [ -s "$dir/worker_token" ] || head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dir/worker_token"
  chmod 600 "$dir/admin_token" "$dir/worker_token"
  SPIN_VARIABLE_ADMIN_TOKEN="$(cat "$dir/admin_token")"
  SPIN_VARIABLE_WORKER_TOKEN="$(cat "$dir/worker_token")"
  export SPIN_VARIABLE_ADMIN_TOKEN SPIN_VARIABLE_WORKER_TOKEN
}

# Builds the components (as spin.toml says) and the worker; sets SPIN to what serves
# the app: $SPIN if set, else real Spin if on PATH, else the project's test host.
dev_build() {
  scripts/spin-build >/dev/null
  if [ -z "${SPIN:-}" ] && command -v spin >/dev/null; then SPIN=spin; fi
  if [ "$(basename "${SPIN:-}")" = spin ]; then
    cargo build --release -q -p native-worker
  else
    # Host and worker together, as scripts/test builds them: one feature set, so
    # neither is rebuilt when the other is.
    cargo build --release -q -p spin-test-host -p native-worker
    SPIN=${SPIN:-target/release/spin-test-host}
  fi
}

# What was started, in order: pid, a name for messages, and its stop stage (workers 1,
# app instances 2, the database 3).
DEV_PIDS=() DEV_NAMES=() DEV_STAGES=()
# Seconds each stage may take to exit after SIGTERM before it is killed.
DEV_STOP_GRACE=${TDS_STOP_GRACE:-10}

# Records a started process: dev_track STAGE NAME PID.
dev_track() {
  DEV_STAGES+=("$1") DEV_NAMES+=("$2") DEV_PIDS+=("$3")
}

# Stops everything started, stage by stage: workers first (they finish the job in hand
# and report it while the app still answers), then the app instances (a request in
# flight is answered), then the database. Each stage gets SIGTERM and DEV_STOP_GRACE
# seconds; whatever is still running then is killed (SIGKILL), with a line naming it.
# A killed worker's job is not lost: its lease runs out and another worker redoes it.
dev_stop() {
  local stage i pids deadline
  for stage in 1 2 3; do
    pids=()
    for i in "${!DEV_PIDS[@]}"; do
      [ "${DEV_STAGES[$i]}" = "$stage" ] || continue
      kill -TERM "${DEV_PIDS[$i]}" 2>/dev/null && pids+=("$i")
    done
    deadline=$((SECONDS + DEV_STOP_GRACE))
    for i in "${pids[@]}"; do
      while kill -0 "${DEV_PIDS[$i]}" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.1
      done
      if kill -0 "${DEV_PIDS[$i]}" 2>/dev/null; then
        echo "stop: ${DEV_NAMES[$i]} (pid ${DEV_PIDS[$i]}) did not exit within ${DEV_STOP_GRACE} s of SIGTERM: killed" >&2
        kill -KILL "${DEV_PIDS[$i]}" 2>/dev/null || true
      fi
    done
  done
  wait 2>/dev/null || true
}

# Starts one app instance: dev_start_app PORT STATE_DIR LOG [RUNTIME_CONFIG].
dev_start_app() {
  local port=$1 state=$2 log=$3 config=${4:-}
  local extra=()
  [ -z "$config" ] || extra=(--runtime-config-file "$config")
  if [ "$(basename "$SPIN")" = spin ]; then
    "$SPIN" up --listen "127.0.0.1:$port" --state-dir "$state" "${extra[@]}" >"$log" 2>&1 &
  else
    "$SPIN" --manifest spin.toml --listen "127.0.0.1:$port" --state-dir "$state" "${extra[@]}" \
      >"$log" 2>&1 &
  fi
  dev_track 2 "app on port $port" $!
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
    kill -0 "${DEV_PIDS[-1]}" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "the app on port $port did not come up; its log: $log" >&2
  return 1
}

# Starts one extraction worker: dev_start_worker URL ID MODEL LOG.
dev_start_worker() {
  target/release/native-worker run --api "$1" --token "$SPIN_VARIABLE_WORKER_TOKEN" \
    --worker-id "$2" --whisper-model "$3" >"$4" 2>&1 &
  dev_track 1 "worker $2" $!
}
