#!/usr/bin/env bash
# Publishes samples/AotDaemon with Native AOT (zero trim/AOT warnings required), starts the native binary on a
# spool directory, creates files, checks each CLOSE_WRITE is logged, checks the pid-file rules (a second instance
# is refused), sends SIGTERM, and checks the exit code and that the pid file is gone. Prints size and idle RSS.
# Usage: samples/AotDaemon/smoke-test.sh [--no-publish] [FRAMEWORK]   (FRAMEWORK: net10.0, the default, or net8.0)
set -euo pipefail
cd "$(dirname "$0")/../.."
publish=yes; [[ "${1:-}" == "--no-publish" ]] && { publish=no; shift; }
framework=${1:-net10.0}
echo "AotDaemon smoke test, $framework"
out=${AOTDAEMON_OUT:-$PWD/samples/AotDaemon/bin/publish-aot-$framework}
work=$(mktemp -d /dev/shm/aotdaemon-smoke.XXXXXX 2>/dev/null || mktemp -d)
pid=""
cleanup() { [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
passed=0 failed=0
check() { # check NAME COMMAND...
  if "${@:2}"; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi
}
wait_for() { # wait_for SECONDS COMMAND...: polls until the command succeeds or the deadline passes
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do (( SECONDS < deadline )) || return 1; sleep 0.05; done
}

if [[ $publish == yes ]]; then
  log="$work/publish.log"
  dotnet publish samples/AotDaemon/AotDaemon.csproj -f "$framework" -c Release -r linux-x64 -p:PublishAot=true -o "$out" >"$log" 2>&1 \
    || { cat "$log"; echo "publish failed"; exit 1; }
  warnings=$(grep -cE ': warning [A-Z]+[0-9]+' "$log" || true)
  check "$framework publish has zero trim/AOT warnings (found $warnings)" test "$warnings" -eq 0
fi
bin="$out/AotDaemon"
check "native binary exists" test -x "$bin"
[[ -x "$bin" ]] || { echo "smoke: $passed passed, $failed failed"; exit 1; }

spool="$work/spool"; mkdir -p "$spool/existing"
pidfile="$work/run/aotdaemon.pid"; logfile="$work/out.log"
"$bin" --pid-file "$pidfile" --stdout "$logfile" --stderr "$logfile" "--Inotify:Watches:0:Path=$spool" &
pid=$!
check "pid file written with the daemon's pid" wait_for 10 bash -c "[[ \$(cat '$pidfile' 2>/dev/null) == $pid ]]"
check "daemon started watching" wait_for 10 grep -q "Watching:" "$logfile"

for f in a.txt b.txt existing/c.txt; do echo data > "$spool/$f"; done
for f in a.txt b.txt existing/c.txt; do
  check "CLOSE_WRITE logged for $f" wait_for 10 grep -q "CLOSE_WRITE $spool/$f" "$logfile"
done

# autoAdd: a directory created after start is watched too (the Notifier's autoAdd, from the semantics work).
mkdir -p "$spool/new/deeper"; echo data > "$spool/new/deeper/e.txt"
check "CLOSE_WRITE logged in a directory created after start (autoAdd)" wait_for 10 grep -q "CLOSE_WRITE $spool/new/deeper/e.txt" "$logfile"

rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
size=$(stat -c %s "$bin")
echo "binary size: $size bytes ($((size / 1024)) KiB); idle RSS after 3 events: ${rss_kb} KiB"

set +e
"$bin" --pid-file "$pidfile" "--Inotify:Watches:0:Path=$spool" >"$work/second.log" 2>&1
second=$?
set -e
check "a second instance is refused while the first lives (exit $second)" test "$second" -ne 0
check "the refusal names the running pid" grep -q "another instance is running (pid $pid" "$work/second.log"
check "the first instance's pid file is untouched" bash -c "[[ \$(cat '$pidfile') == $pid ]]"

kill -TERM "$pid"
set +e
wait "$pid"
code=$?
set -e
pid=""
check "exit code after SIGTERM is 0 (got $code)" test "$code" -eq 0
check "pid file removed at exit" test ! -e "$pidfile"
check "its lock file removed at exit" test ! -e "$pidfile.lock"
check "shutdown was logged" grep -q "Stopped watching." "$logfile"

# Where only one inotify instance is allowed (a user namespace's limit set to 1), the configuration reload and the
# watches share it (UseInotifyFileProvider); a FileSystemWatcher-based reload would take it and fail the start.
olog="$work/one-instance.log"; mkdir -p "$spool/one"
unshare --user --map-root-user sh -c 'echo 1 > /proc/sys/user/max_inotify_instances && exec "$0" "$@"' \
  "$bin" "--Inotify:Watches:0:Path=$spool/one" >"$olog" 2>&1 &
opid=$!
check "with one inotify instance allowed, the daemon starts watching" wait_for 10 grep -q "Watching:" "$olog"
echo data > "$spool/one/f.txt"
check "with one inotify instance allowed, CLOSE_WRITE is logged" wait_for 10 grep -q "CLOSE_WRITE $spool/one/f.txt" "$olog"
kill -TERM "$opid" 2>/dev/null || true
wait "$opid" 2>/dev/null || true

# --daemon: the program re-executes itself in a new session and the launcher exits once the pid file is written.
dlog="$work/daemon.log"
set +e
dpid=$("$bin" --daemon --pid-file "$pidfile" --stdout "$dlog" --stderr "$dlog" "--Inotify:Watches:0:Path=$spool")
launcher=$?
set -e
check "--daemon launcher exits 0 (got $launcher)" test "$launcher" -eq 0
check "--daemon pid file holds the detached pid" bash -c "[[ -n '$dpid' && \$(cat '$pidfile') == '$dpid' ]]"
check "the detached daemon leads its own session (setsid)" bash -c "[[ \$(ps -o sid= -p '$dpid' | tr -d ' ') == '$dpid' ]]"
echo later > "$spool/d.txt"
check "the detached daemon logs CLOSE_WRITE" wait_for 10 grep -q "CLOSE_WRITE $spool/d.txt" "$dlog"
kill -TERM "$dpid"
check "the detached daemon exits on SIGTERM" wait_for 10 bash -c "! kill -0 '$dpid' 2>/dev/null"
check "the detached daemon removed its pid file" test ! -e "$pidfile"

echo "smoke: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
