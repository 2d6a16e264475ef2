#!/usr/bin/env bash
# Builds what it needs and runs KazGrpc on loopback in the foreground:
#   tokenizer-svc  gRPC 127.0.0.1:50052, metrics http://127.0.0.1:9102/metrics
#   (inference-svc 127.0.0.1:50051 / :9101 joins when it serves models.)
# A service that exits unexpectedly is reported and started again; the others keep serving.
# Ctrl-C stops everything cleanly. Extra arguments are passed to every service
# (e.g. --Logging:LogLevel:Default=Debug).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

MODELS_DIR=${KAZGRPC_MODELS_DIR:-models}
echo "run.sh: building (Release)..."
dotnet build tokenizer-svc/KazGrpc.TokenizerSvc.csproj -c Release -v quiet -nologo
dotnet build tools/KazGrpc.Tools/KazGrpc.Tools.csproj -c Release -v quiet -nologo
dotnet tools/KazGrpc.Tools/bin/Release/net10.0/kazgrpc.dll models prepare --models-dir "$MODELS_DIR"

stopping=0
pids=()

# supervise NAME COMMAND...: runs COMMAND, restarting it whenever it exits while we are not stopping.
supervise() {
  local name=$1; shift
  (
    child=
    trap 'stopping=1; [[ -n $child ]] && kill -TERM "$child" 2>/dev/null' INT TERM
    while true; do
      "$@" &
      child=$!
      while kill -0 "$child" 2>/dev/null; do wait "$child" && rc=0 || rc=$?; done
      [[ $stopping == 1 ]] && exit 0
      echo "run.sh: $name exited unexpectedly (status ${rc:-?}); starting it again in 1 s" >&2
      sleep 1
      [[ $stopping == 1 ]] && exit 0
    done
  ) &
  pids+=($!)
}

shutdown() {
  trap - INT TERM
  echo "run.sh: stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
  echo "run.sh: stopped"
  exit 0
}
trap shutdown INT TERM

supervise tokenizer-svc dotnet tokenizer-svc/bin/Release/net10.0/KazGrpc.TokenizerSvc.dll \
  --Tokenization:ModelsDirectory="$MODELS_DIR" "$@"

echo "run.sh: tokenizer-svc on 127.0.0.1:50052 (metrics http://127.0.0.1:9102/metrics); Ctrl-C stops"
wait
