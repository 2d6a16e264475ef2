#!/usr/bin/env bash
# Builds what it needs and runs KazGrpc on loopback, in the foreground:
#   tokenizer-svc  gRPC 127.0.0.1:50052, HTTP API http://127.0.0.1:8081 (JSON transcoding, /api/v1/...),
#                  metrics http://127.0.0.1:9102/metrics
#   inference-svc  gRPC 127.0.0.1:50051, HTTP API http://127.0.0.1:8080 (JSON transcoding, /api/v1/...,
#                  and the OpenAI-compatible /v1/...), metrics http://127.0.0.1:9101/metrics
#                  (minilm and kaz-tiny ready)
# The tokenizer starts first; inference-svc starts once the tokenizer reports SERVING. A service
# that exits unexpectedly is reported and started again while the other keeps serving.
# Ctrl-C stops both cleanly (in-flight calls finish). Extra arguments go to both services
# (e.g. --Logging:LogLevel:Default=Debug).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

MODELS_DIR=${KAZGRPC_MODELS_DIR:-models}
BIN=bin/Release/net10.0
echo "run.sh: building (Release)..."
for project in tokenizer-svc/KazGrpc.TokenizerSvc.csproj inference-svc/KazGrpc.InferenceSvc.csproj tools/KazGrpc.Tools/KazGrpc.Tools.csproj; do
  dotnet build "$project" -c Release -v quiet -nologo -clp:ErrorsOnly
done
kazgrpc() { dotnet "tools/KazGrpc.Tools/$BIN/kazgrpc.dll" "$@"; }
# The services' runtime environment (see the file).
source build/service-runtime.sh
service_runtime_env
kazgrpc models prepare --models-dir "$MODELS_DIR"

stopping=0
pids=()
# The supervisors learn that run.sh is stopping from this file: a Ctrl-C reaches the services and
# run.sh together, and a service that exits because of it must not be started again.
stop_flag=$(mktemp -u "${TMPDIR:-/tmp}/kazgrpc-run.XXXXXX.stopping")

# supervise NAME COMMAND...: runs COMMAND in the background and starts it again whenever it exits
# while run.sh is not stopping.
supervise() {
  local name=$1; shift
  (
    child=
    trap 'stopping=1; [[ -n $child ]] && kill -TERM "$child" 2>/dev/null' TERM
    while true; do
      "$@" &
      child=$!
      rc=0
      while kill -0 "$child" 2>/dev/null; do wait "$child" && rc=0 || rc=$?; done
      sleep 0.5
      [[ $stopping == 1 || -e $stop_flag ]] && exit 0
      echo "run.sh: $name exited unexpectedly (status $rc); starting it again in 1 s" >&2
      sleep 1
      [[ $stopping == 1 || -e $stop_flag ]] && exit 0
    done
  ) &
  pids+=($!)
}

shutdown() {
  # Ctrl-C may have ended a pipe reader too (./run.sh | tee log): keep going without it.
  trap '' PIPE
  trap - INT TERM
  stopping=1
  touch "$stop_flag"
  echo "run.sh: stopping..." 2>/dev/null || true
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  wait || true
  rm -f "$stop_flag"
  echo "run.sh: stopped" 2>/dev/null || true
  exit 0
}
trap shutdown INT TERM

supervise tokenizer-svc env "${SERVICE_ENV[@]}" dotnet "tokenizer-svc/$BIN/KazGrpc.TokenizerSvc.dll" \
  --Tokenization:ModelsDirectory="$MODELS_DIR" "$@"
kazgrpc health --address 127.0.0.1:50052 --wait 120 || { echo "run.sh: tokenizer-svc did not become healthy" >&2; shutdown; }

supervise inference-svc env "${SERVICE_ENV[@]}" dotnet "inference-svc/$BIN/KazGrpc.InferenceSvc.dll" \
  --Models:ModelsDirectory="$MODELS_DIR" --Tokenizer:Address=http://127.0.0.1:50052 "$@"
kazgrpc health --address 127.0.0.1:50051 --wait 180 || echo "run.sh: inference-svc is not SERVING yet; see its log" >&2

echo "run.sh: serving — inference-svc 127.0.0.1:50051 (HTTP :8080, metrics :9101), tokenizer-svc 127.0.0.1:50052 (HTTP :8081, metrics :9102); Ctrl-C stops"
while true; do wait || true; [[ $stopping == 1 ]] && break; sleep 1; done
