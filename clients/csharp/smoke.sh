#!/usr/bin/env bash
# Runs the C# example (clients/csharp/KazGrpc.Client.Example, built by the solution's Release build)
# against the services at KAZGRPC_INFERENCE_ADDRESS / KAZGRPC_TOKENIZER_ADDRESS and checks what it
# printed. Ends with "csharp check: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

timeout 120 dotnet KazGrpc.Client.Example/bin/Release/net10.0/KazGrpc.Client.Example.dll >"$out" 2>&1
rc=$?

expect() {
  local what=$1 pattern=$2
  if grep -Eq "$pattern" "$out"; then
    echo "csharp check: ok $what"; passed=$((passed + 1))
  else
    echo "csharp check: FAIL $what (no line matches /$pattern/)"; failed=$((failed + 1))
  fi
}

expect "tokenize Kazakh text" '^tokenize: [0-9]+( [0-9]+)+$'
expect "embed with minilm" '^embed: 384 dimensions$'
expect "a streamed generate ends with its finish reason and usage" '^finish: Length, 16 tokens$'
expect "an unknown model is NOT_FOUND, naming it" '^error: NotFound: .*no-such-model'
if (( rc != 0 )); then
  echo "csharp check: FAIL the example exited with $rc"; failed=$((failed + 1))
fi
(( failed )) && sed 's/^/    /' "$out"
echo "csharp check: $passed passed, $failed failed"
(( failed == 0 ))
