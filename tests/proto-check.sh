#!/usr/bin/env bash
# Checks the contract in protos/: it compiles with `protoc -I protos` and nothing else on the
# include path, `buf lint` and `buf format` are clean, and `buf breaking` finds no breaking change
# against the contract before its last change (the working tree's changes when there are any
# uncommitted, else the last commit that changed protos/), while it does find one in a copy of the
# contract with a field deleted. Ends with "proto check: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
out=$(mktemp)
against=$(mktemp -d)
broken=$(mktemp -d)
trap 'rm -rf "$out" "$against" "$broken"' EXIT

check() {
  local what=$1; shift
  if "$@" >"$out" 2>&1; then
    echo "proto check: ok $what"; passed=$((passed + 1))
  else
    echo "proto check: FAIL $what"; sed 's/^/    /' "$out" | head -40; failed=$((failed + 1))
  fi
}

(cd tests/proto-check && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
  || { echo "proto check: FAIL npm ci in tests/proto-check"; echo "proto check: 0 passed, 1 failed"; exit 1; }
buf=tests/proto-check/node_modules/.bin/buf

mapfile -t files < <(cd protos && find . -name '*.proto' -printf '%P\n' | sort)
check "protoc -I protos compiles every file (${#files[@]})" \
  protoc -I protos --include_imports -o /dev/null "${files[@]/#/protos/}"
check "buf lint" "$buf" lint protos
check "buf format --diff is empty" "$buf" format protos --diff --exit-code

# The contract to compare with: HEAD when protos/ has uncommitted changes, else the parent of the
# last commit that changed protos/, so that the change CI sees on main is the one checked.
if ! git diff --quiet HEAD -- protos || [[ -n $(git ls-files --others --exclude-standard protos) ]]; then
  base=HEAD
else
  last=$(git log -1 --format=%H -- protos)
  base=$(git rev-parse -q --verify "$last^" 2>/dev/null) || base=
fi
if [[ -n $base ]]; then
  git archive "$base" protos | tar -x -C "$against"
  check "buf breaking against $(git rev-parse --short "$base")" "$buf" breaking protos --against "$against/protos"
else
  echo "proto check: FAIL buf breaking: no commit before the last change of protos/ (a shallow clone?)"
  failed=$((failed + 1))
fi

# The check above passes as well when buf compares nothing: a deleted field must fail it, named.
refuses_deleted_field() {
  cp -r protos "$broken/"
  sed -i '/^  string tokenizer = 1;$/d' "$broken/protos/kazgrpc/tokenizer/v1/tokenizer.proto"
  local said
  said=$("$buf" breaking "$broken/protos" --against protos 2>&1) && { echo "buf breaking passed the change"; return 1; }
  echo "$said"
  grep -qF 'Previously present field "1" with name "tokenizer" on message "TokenizeRequest" was deleted.' <<<"$said"
}
check "buf breaking refuses a deleted field (TokenizeRequest.tokenizer)" refuses_deleted_field

echo "proto check: $passed passed, $failed failed"
(( failed == 0 ))
