#!/usr/bin/env bash
# Real-process check of ./run.sh on its default ports: both services come up and serve (gRPC and
# the HTTP APIs); a killed inference-svc is reported and started again while tokenizer-svc keeps
# serving; TERM stops everything. (Ctrl-C reaches run.sh's same shutdown handler; a script's
# background job cannot be sent SIGINT, since bash ignores it there, so TERM stands in.) Ends with
# "run.sh check: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
passed=0
failed=0
kazgrpc() { dotnet tools/KazGrpc.Tools/bin/Release/net10.0/kazgrpc.dll "$@" >/dev/null 2>&1; }
check() {
  local name=$1; shift
  if "$@"; then echo "ok - $name"; passed=$((passed + 1)); else echo "not ok - $name"; failed=$((failed + 1)); fi
}
# in_log PATTERN SECONDS: true once run.sh's output has the pattern.
in_log() {
  for ((i = 0; i < $2 * 10; i++)); do
    grep -q -- "$1" "$log" && return 0
    sleep 0.1
  done
  return 1
}
# runner_exits SECONDS: true once run.sh has ended.
runner_exits() {
  for ((i = 0; i < $1 * 10; i++)); do
    kill -0 "$runner" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}
# http_has URL TEXT: true when a GET of URL answers 200 with TEXT in its body.
http_has() { curl -fsS --max-time 10 "$1" 2>/dev/null | grep -qF -- "$2"; }
# Only run.sh's own process group ($runner, from setsid below) counts: other services on the machine
# are not ours. [.] keeps the pattern from matching the command line of whatever runs pgrep.
no_services() { ! pgrep -g "$runner" -f 'net10[.]0/KazGrpc[.](Inference|Tokenizer)Svc[.]dll' >/dev/null; }

for port in 50051 50052 8080 8081 9101 9102; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "run.sh check: port $port is in use; the check needs run.sh's default ports"
    echo "run.sh check: 0 passed, 1 failed"
    exit 1
  fi
done

# Its own session, so that whatever is left can be killed as a group at the end.
setsid ./run.sh >"$log" 2>&1 &
runner=$!
trap 'kill -KILL -- -$runner 2>/dev/null; rm -f "$log"' EXIT

check "run.sh starts both services and says it serves" in_log "run.sh: serving" 300
check "inference-svc reports SERVING on 127.0.0.1:50051" kazgrpc health --address 127.0.0.1:50051 --wait 5
check "tokenizer-svc reports SERVING on 127.0.0.1:50052" kazgrpc health --address 127.0.0.1:50052 --wait 5
check "inference-svc's HTTP API answers on 127.0.0.1:8080 (OpenAI /v1/models lists kaz-tiny)" http_has http://127.0.0.1:8080/v1/models '"id":"kaz-tiny"'
check "inference-svc's HTTP API answers on 127.0.0.1:8080 (transcoded /api/v1/models lists minilm)" http_has http://127.0.0.1:8080/api/v1/models '"name":"minilm"'
check "tokenizer-svc's HTTP API answers on 127.0.0.1:8081 (transcoded /api/v1/tokenizers lists o200k_base)" http_has http://127.0.0.1:8081/api/v1/tokenizers '"name":"o200k_base"'

pkill -KILL -g "$runner" -f 'net10[.]0/KazGrpc[.]InferenceSvc[.]dll'
check "a killed inference-svc is reported" in_log "inference-svc exited unexpectedly" 30
check "tokenizer-svc keeps serving meanwhile" kazgrpc health --address 127.0.0.1:50052 --wait 5
check "inference-svc is started again and serves" kazgrpc health --address 127.0.0.1:50051 --wait 180

kill -TERM "$runner"
check "TERM stops run.sh" runner_exits 60
check "run.sh says it stopped" in_log "run.sh: stopped" 1
check "no service is left running" no_services

if ((failed > 0)); then
  echo "--- run.sh output ---"
  cat "$log"
fi
echo "run.sh check: $passed passed, $failed failed"
((failed == 0))
