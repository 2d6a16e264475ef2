#!/usr/bin/env bash
# Regenerates the Python, Node (TypeScript) and Go clients from protos/.
#
#   clients/generate.sh           writes the generated code into clients/python, clients/node, clients/go
#   clients/generate.sh --check   generates into a temporary directory and compares it with what is
#                                 committed: exit 1, with the differences, when the code is stale
#
# Tools (Debian 12 packages unless said otherwise; tests/apt-packages.txt lists them):
#   protoc                 protobuf-compiler (+ libprotobuf-dev for google/protobuf/*.proto)
#   grpc_python_plugin     protobuf-compiler-grpc
#   protoc-gen-go          protoc-gen-go
#   protoc-gen-go-grpc     protoc-gen-go-grpc
#   protoc-gen-ts_proto    npm ts-proto, pinned in clients/node/package.json (`npm ci` is run here
#                          when clients/node/node_modules lacks it)
# The generated files name the versions that wrote them; other versions give other files, which
# --check reports as stale.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
  '') ;;
  --check) check=true ;;
  *) echo "usage: clients/generate.sh [--check]" >&2; exit 2 ;;
esac

for tool in protoc grpc_python_plugin protoc-gen-go protoc-gen-go-grpc; do
  command -v "$tool" >/dev/null || { echo "generate.sh: $tool is missing (see tests/apt-packages.txt)" >&2; exit 2; }
done
if [[ ! -x clients/node/node_modules/.bin/protoc-gen-ts_proto ]]; then
  (cd clients/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
    || { echo "generate.sh: npm ci in clients/node failed" >&2; exit 2; }
fi
ts_proto=$PWD/clients/node/node_modules/.bin/protoc-gen-ts_proto

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Every file, google/api's included: the kazgrpc files import google/api/annotations.proto, and
# Python and TypeScript callers need its generated module (Go's comes from genproto).
mapfile -t all < <(cd protos && find . -name '*.proto' -printf '%P\n' | LC_ALL=C sort)
mapfile -t own < <(printf '%s\n' "${all[@]}" | grep '^kazgrpc/')

mkdir -p "$out/python" "$out/node/src/gen" "$out/go"
(
  cd protos
  protoc -I . --python_out="$out/python" --pyi_out="$out/python" "${all[@]}"
  protoc -I . --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" \
    --grpc_python_out="$out/python" "${own[@]}"
  protoc -I . --plugin=protoc-gen-ts_proto="$ts_proto" --ts_proto_out="$out/node/src/gen" \
    --ts_proto_opt=outputServices=grpc-js,env=node,esModuleInterop=true "${all[@]}"
  protoc -I . --go_out="$out/go" --go_opt=module=github.com/kazgrpc/kazgrpc/clients/go \
    --go-grpc_out="$out/go" --go-grpc_opt=module=github.com/kazgrpc/kazgrpc/clients/go "${own[@]}"
)

# The folders that hold generated code only; everything else under clients/ is written by hand.
generated=(python/kazgrpc/tokenizer python/kazgrpc/inference python/google node/src/gen go/kazgrpc)

if $check; then
  stale=0
  for dir in "${generated[@]}"; do
    if ! diff -r -q -x __pycache__ "clients/$dir" "$out/$dir" >/dev/null 2>&1; then
      echo "generate.sh: clients/$dir is stale:"
      diff -r -u -x __pycache__ "clients/$dir" "$out/$dir" | head -40 | sed 's/^/    /'
      stale=1
    fi
  done
  if (( stale )); then
    echo "generate.sh: run clients/generate.sh and commit the result"
    exit 1
  fi
  echo "generate.sh: the generated code in clients/ matches protos/"
else
  for dir in "${generated[@]}"; do
    rm -rf "clients/$dir"
    mkdir -p "clients/$(dirname "$dir")"
    cp -r "$out/$dir" "clients/$dir"
  done
  echo "generate.sh: wrote ${generated[*]/#/clients/}"
fi
