#!/usr/bin/env bash
# Installs what the tests need (Debian packages, npm packages, the default models) and runs every
# test: the contract checks of protos/, the .NET suites (which start the real services on
# loopback), the Node reflection checks, the curl checks of the HTTP fronts and the openai SDK
# checks against both services started here, and the check of ./run.sh itself on its default ports.
# Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "test.sh: $*" >&2; exit 1; }
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# Debian packages the tests use (tests/apt-packages.txt), installed when missing.
if [[ -f tests/apt-packages.txt ]]; then
  missing=()
  while read -r pkg; do
    [[ -z $pkg || $pkg == \#* ]] && continue
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done < tests/apt-packages.txt
  if (( ${#missing[@]} )); then
    echo "test.sh: installing Debian packages: ${missing[*]}"
    SUDO=; [[ $(id -u) != 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null \
      || fail "could not install ${missing[*]}"
  fi
fi

echo "test.sh: checking the contract in protos/ (protoc, buf lint, format and breaking)..."
tests/proto-check.sh 2>&1 | tee "$logs/proto.txt"
proto_rc=${PIPESTATUS[0]}
pc_passed=$(grep -E '^proto check: [0-9]+ passed' "$logs/proto.txt" | tail -1 | awk '{print $3}')
pc_failed=$(grep -E '^proto check: [0-9]+ passed' "$logs/proto.txt" | tail -1 | awk '{print $5}')

echo "test.sh: building (Release)..."
dotnet build KazGrpc.sln -c Release -v quiet -nologo || fail "build failed"
dotnet tools/KazGrpc.Tools/bin/Release/net10.0/kazgrpc.dll models prepare --models-dir models || fail "models prepare failed"

echo "test.sh: running .NET tests..."
dotnet test --solution KazGrpc.sln -c Release --no-build 2>&1 | tee "$logs/dotnet.txt"
dotnet_rc=${PIPESTATUS[0]}
dn_passed=$(grep -E '^\s+succeeded:' "$logs/dotnet.txt" | tail -1 | awk '{print $2}')
dn_failed=$(grep -E '^\s+failed:' "$logs/dotnet.txt" | tail -1 | awk '{print $2}')

echo "test.sh: running the Node reflection checks against both services on loopback..."
TOKENIZER_PORT=${KAZGRPC_TEST_TOKENIZER_PORT:-50062}
INFERENCE_PORT=${KAZGRPC_TEST_INFERENCE_PORT:-50061}
# The HTTP APIs too, off run.sh's defaults like the gRPC ports.
TOKENIZER_HTTP_PORT=${KAZGRPC_TEST_TOKENIZER_HTTP_PORT:-18081}
INFERENCE_HTTP_PORT=${KAZGRPC_TEST_INFERENCE_HTTP_PORT:-18080}
source build/service-runtime.sh
service_runtime_env || fail "the services' runtime environment cannot be read"
env "${SERVICE_ENV[@]}" dotnet tokenizer-svc/bin/Release/net10.0/KazGrpc.TokenizerSvc.dll \
  --Hosting:GrpcAddress=127.0.0.1:$TOKENIZER_PORT --Hosting:HttpAddress=127.0.0.1:$TOKENIZER_HTTP_PORT --Hosting:MetricsAddress= \
  --Tokenization:ModelsDirectory=models --Logging:LogLevel:Default=Warning >"$logs/tokenizer-svc.log" 2>&1 &
tokenizer=$!
dotnet tools/KazGrpc.Tools/bin/Release/net10.0/kazgrpc.dll health --address 127.0.0.1:$TOKENIZER_PORT --wait 120 >/dev/null
env "${SERVICE_ENV[@]}" dotnet inference-svc/bin/Release/net10.0/KazGrpc.InferenceSvc.dll \
  --Hosting:GrpcAddress=127.0.0.1:$INFERENCE_PORT --Hosting:HttpAddress=127.0.0.1:$INFERENCE_HTTP_PORT --Hosting:MetricsAddress= \
  --Models:ModelsDirectory=models --Tokenizer:Address=http://127.0.0.1:$TOKENIZER_PORT \
  --Logging:LogLevel:Default=Warning >"$logs/inference-svc.log" 2>&1 &
inference=$!
KAZGRPC_TOKENIZER_ADDRESS=127.0.0.1:$TOKENIZER_PORT KAZGRPC_INFERENCE_ADDRESS=127.0.0.1:$INFERENCE_PORT \
  clients/node-smoke/run.sh 2>&1 | tee "$logs/node.txt"
node_rc=${PIPESTATUS[0]}

echo "test.sh: driving the HTTP fronts of both services with curl..."
KAZGRPC_TOKENIZER_HTTP=http://127.0.0.1:$TOKENIZER_HTTP_PORT KAZGRPC_INFERENCE_HTTP=http://127.0.0.1:$INFERENCE_HTTP_PORT \
  tests/http-check.sh 2>&1 | tee "$logs/http.txt"
http_rc=${PIPESTATUS[0]}

echo "test.sh: running the openai SDK checks against inference-svc's OpenAI-compatible API..."
KAZGRPC_OPENAI_BASE_URL=http://127.0.0.1:$INFERENCE_HTTP_PORT/v1 clients/openai-smoke/run.sh 2>&1 | tee "$logs/openai.txt"
openai_rc=${PIPESTATUS[0]}
kill -TERM $inference $tokenizer 2>/dev/null; wait $inference $tokenizer 2>/dev/null
if (( node_rc != 0 || http_rc != 0 || openai_rc != 0 )); then
  echo "--- tokenizer-svc log ---"; cat "$logs/tokenizer-svc.log"
  echo "--- inference-svc log ---"; cat "$logs/inference-svc.log"
fi
nd_passed=$(grep -E '^(# |ℹ )pass ' "$logs/node.txt" | tail -1 | awk '{print $3}')
nd_failed=$(grep -E '^(# |ℹ )fail ' "$logs/node.txt" | tail -1 | awk '{print $3}')
ht_passed=$(grep -E '^http check: [0-9]+ passed' "$logs/http.txt" | tail -1 | awk '{print $3}')
ht_failed=$(grep -E '^http check: [0-9]+ passed' "$logs/http.txt" | tail -1 | awk '{print $5}')
oa_passed=$(grep -E '^(# |ℹ )pass ' "$logs/openai.txt" | tail -1 | awk '{print $3}')
oa_failed=$(grep -E '^(# |ℹ )fail ' "$logs/openai.txt" | tail -1 | awk '{print $3}')

echo "test.sh: checking ./run.sh (both services on their default ports, a restart, a clean stop)..."
tests/run-sh-check.sh 2>&1 | tee "$logs/run-sh.txt"
run_rc=${PIPESTATUS[0]}
rs_passed=$(grep -E '^run.sh check: ' "$logs/run-sh.txt" | tail -1 | awk '{print $3}')
rs_failed=$(grep -E '^run.sh check: ' "$logs/run-sh.txt" | tail -1 | awk '{print $5}')

passed=$(( ${pc_passed:-0} + ${dn_passed:-0} + ${nd_passed:-0} + ${ht_passed:-0} + ${oa_passed:-0} + ${rs_passed:-0} ))
failed=$(( ${pc_failed:-0} + ${dn_failed:-0} + ${nd_failed:-0} + ${ht_failed:-0} + ${oa_failed:-0} + ${rs_failed:-0} ))
if (( (proto_rc != 0 || dotnet_rc != 0 || node_rc != 0 || http_rc != 0 || openai_rc != 0 || run_rc != 0) && failed == 0 )); then failed=1; fi
# The failed tests again, each with its message, last: the test hosts' own output (printed when an
# assembly fails) can be long enough to push them out of a log's tail.
failures=$(awk '/^failed /{n=12; print; next} n>0 && /^ /{print; n--; next} {n=0}' "$logs/dotnet.txt")
[[ -n $failures ]] && printf 'test.sh: failed .NET tests:\n%s\n' "$failures"
echo "test.sh: protos ${pc_passed:-0} passed, ${pc_failed:-0} failed (exit $proto_rc); .NET ${dn_passed:-0} passed, ${dn_failed:-0} failed (exit $dotnet_rc); Node ${nd_passed:-0} passed, ${nd_failed:-0} failed (exit $node_rc); HTTP ${ht_passed:-0} passed, ${ht_failed:-0} failed (exit $http_rc); openai SDK ${oa_passed:-0} passed, ${oa_failed:-0} failed (exit $openai_rc); run.sh ${rs_passed:-0} passed, ${rs_failed:-0} failed (exit $run_rc)"
echo "$passed passed, $failed failed"
(( proto_rc == 0 && dotnet_rc == 0 && node_rc == 0 && http_rc == 0 && openai_rc == 0 && run_rc == 0 )) || exit 1
