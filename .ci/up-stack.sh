# Sourced by the CI checks that need the running system: starts `./telemetry up` in the background as
# a newcomer would (summary windows shortened through the documented environment overrides), stops it
# on exit, and returns once it printed that it is up. Sets: work (a temp dir, deleted on exit), log, pid.
work=$(mktemp -d)
log="$work/up.log"
export PROCESSOR_WINDOWS_SIZE=5s PROCESSOR_WINDOWS_GRACE=2s
export PROCESSOR_STATE_DIR="$work/processor-state"

./telemetry up --data-dir "$work/kafka" >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

deadline=$((SECONDS + 180))
until grep -q "Telemetry pipeline is up" "$log"; do
  if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -gt $deadline ]; then
    echo "telemetry up did not come up:"; cat "$log"; exit 1
  fi
  sleep 1
done
echo "stack is up"
