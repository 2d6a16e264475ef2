#!/usr/bin/env bash
# Installs what the tests need (Debian packages, npm packages, the default models) and runs every
# test: the contract checks of protos/, the .NET suites (which start the real services on
# loopback), the checks that need both services running (Node reflection, the HTTP fronts with
# curl and the openai SDK, the kazgrpc CLI in a terminal, the clients' smoke tests in Python,
# Node, Go and C#), the check of ./run.sh itself on its default ports, and the checks of the
# deployment files (compose.yaml, the Dockerfiles, the Kubernetes overlays). Ends with one line
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "test.sh: $*" >&2; exit 1; }
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# Every suite's counts, in run order: record NAME PASSED FAILED EXIT-STATUS.
suites=()
record() { suites+=("$1|${2:-0}|${3:-0}|$4"); }

# check_script NAME SCRIPT [ARGS...]: runs a check script whose last line reads
# "<name> check: N passed, M failed", and records its counts.
check_script() {
  local name=$1; shift
  "$@" 2>&1 | tee "$logs/$name.txt"
  local rc=${PIPESTATUS[0]}
  local summary
  summary=$(grep -E "^[^ ]+ check: [0-9]+ passed, [0-9]+ failed" "$logs/$name.txt" | tail -1)
  record "$name" "$(awk '{print $3}' <<<"$summary")" "$(awk '{print $5}' <<<"$summary")" "$rc"
}

# node_suite NAME SCRIPT [ARGS...]: runs a script of node --test suites, whose summary reads
# "# pass N" / "# fail N" (or "ℹ pass N"), and records its counts.
node_suite() {
  local name=$1; shift
  "$@" 2>&1 | tee "$logs/$name.txt"
  local rc=${PIPESTATUS[0]}
  record "$name" "$(grep -E '^(# |ℹ )pass ' "$logs/$name.txt" | tail -1 | awk '{print $3}')" \
    "$(grep -E '^(# |ℹ )fail ' "$logs/$name.txt" | tail -1 | awk '{print $3}')" "$rc"
}

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
    # Without recommends: docker-compose's would bring docker.io, a daemon the checks do not use.
    $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || fail "could not install ${missing[*]}"
  fi
fi

echo "test.sh: checking the contract in protos/ (protoc, buf lint, format and breaking)..."
check_script protos tests/proto-check.sh

echo "test.sh: building (Release)..."
dotnet build KazGrpc.sln -c Release -v quiet -nologo || fail "build failed"
dotnet tools/KazGrpc.Tools/bin/Release/net10.0/kazgrpc.dll models prepare --models-dir models || fail "models prepare failed"

echo "test.sh: running .NET tests..."
dotnet test --solution KazGrpc.sln -c Release --no-build 2>&1 | tee "$logs/dotnet.txt"
dotnet_rc=${PIPESTATUS[0]}
record .NET "$(grep -E '^\s+succeeded:' "$logs/dotnet.txt" | tail -1 | awk '{print $2}')" \
  "$(grep -E '^\s+failed:' "$logs/dotnet.txt" | tail -1 | awk '{print $2}')" "$dotnet_rc"

echo "test.sh: starting both services on loopback for the checks that call them..."
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
export KAZGRPC_TOKENIZER_ADDRESS=127.0.0.1:$TOKENIZER_PORT KAZGRPC_INFERENCE_ADDRESS=127.0.0.1:$INFERENCE_PORT
live_failed=0

echo "test.sh: running the Node reflection checks..."
node_suite Node clients/node-smoke/run.sh
[[ ${suites[-1]##*|} == 0 ]] || live_failed=1

echo "test.sh: driving the HTTP fronts of both services with curl..."
KAZGRPC_TOKENIZER_HTTP=http://127.0.0.1:$TOKENIZER_HTTP_PORT KAZGRPC_INFERENCE_HTTP=http://127.0.0.1:$INFERENCE_HTTP_PORT \
  check_script http tests/http-check.sh
[[ ${suites[-1]##*|} == 0 ]] || live_failed=1

echo "test.sh: running the openai SDK checks against inference-svc's OpenAI-compatible API..."
KAZGRPC_OPENAI_BASE_URL=http://127.0.0.1:$INFERENCE_HTTP_PORT/v1 node_suite OpenAI clients/openai-smoke/run.sh
[[ ${suites[-1]##*|} == 0 ]] || live_failed=1

echo "test.sh: driving the kazgrpc CLI in a terminal (tmux)..."
check_script cli tests/cli-check.sh
[[ ${suites[-1]##*|} == 0 ]] || live_failed=1

echo "test.sh: running the generated clients' smoke tests (Python, Node, Go)..."
check_script clients clients/smoke.sh
[[ ${suites[-1]##*|} == 0 ]] || live_failed=1

echo "test.sh: running the C# client example..."
check_script csharp clients/csharp/smoke.sh
[[ ${suites[-1]##*|} == 0 ]] || live_failed=1

kill -TERM $inference $tokenizer 2>/dev/null; wait $inference $tokenizer 2>/dev/null
unset KAZGRPC_TOKENIZER_ADDRESS KAZGRPC_INFERENCE_ADDRESS
if (( live_failed )); then
  echo "--- tokenizer-svc log ---"; cat "$logs/tokenizer-svc.log"
  echo "--- inference-svc log ---"; cat "$logs/inference-svc.log"
fi

echo "test.sh: checking ./run.sh (both services on their default ports, a restart, a clean stop)..."
check_script run.sh tests/run-sh-check.sh

echo "test.sh: checking the deployment files (compose.yaml, the Dockerfiles, the Kubernetes overlays)..."
check_script deploy tests/deploy-check.sh

# The failed tests again, each with its message, last: the test hosts' own output (printed when an
# assembly fails) can be long enough to push them out of a log's tail.
failures=$(awk '/^failed /{n=12; print; next} n>0 && /^ /{print; n--; next} {n=0}' "$logs/dotnet.txt")
[[ -n $failures ]] && printf 'test.sh: failed .NET tests:\n%s\n' "$failures"

passed=0; failed=0; ok=1; line=
for suite in "${suites[@]}"; do
  IFS='|' read -r name p f rc <<<"$suite"
  # A suite that failed without a count of failures (it could not start) counts one.
  (( rc != 0 && f == 0 )) && f=1
  (( rc != 0 )) && ok=0
  passed=$((passed + p)); failed=$((failed + f))
  line+="${line:+; }$name $p passed, $f failed (exit $rc)"
done
echo "test.sh: $line"
echo "$passed passed, $failed failed"
(( ok )) || exit 1
