#!/usr/bin/env bash
# Writes a development PKI for running KazGrpc with TLS and mutual TLS, with openssl, into OUT_DIR:
#   ca.crt, ca.key                          the development CA (kept when OUT_DIR already has one, so
#                                           that running again reissues the certificates under it)
#   tokenizer-svc.crt, tokenizer-svc.key    tokenizer-svc's server certificate
#   inference-svc.crt, inference-svc.key    inference-svc's server certificate
#   inference-svc-client.crt, .key          inference-svc's client certificate, as tokenizer-svc's caller
#   caller.crt, caller.key                  a client certificate for a caller of either service
# Server certificates name 127.0.0.1, localhost, the service's compose/Kubernetes name (tokenizer-svc,
# inference-svc) and any names given with --san (DNS names or IP addresses, e.g. a namespace-qualified
# tokenizer-svc.kazgrpc.svc.cluster.local). Keys are EC P-256, unencrypted, readable by the owner only.
# For development and tests: never commit the output, and use the organisation's CA in production.
#
# Usage: tools/certs/make-dev-certs.sh OUT_DIR [--days N] [--san NAME]...
set -euo pipefail

usage() { echo "usage: $0 OUT_DIR [--days N] [--san NAME]..." >&2; exit 2; }
[[ $# -ge 1 && $1 != -* ]] || usage
out=$1; shift
days=365
extra_sans=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --days) [[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || usage; days=$2; shift 2 ;;
    --san) [[ $# -ge 2 && -n $2 ]] || usage; extra_sans+=("$2"); shift 2 ;;
    *) usage ;;
  esac
done
command -v openssl >/dev/null || { echo "make-dev-certs: openssl is not installed" >&2; exit 1; }

mkdir -p "$out"
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [[ -f $out/ca.crt && -f $out/ca.key ]]; then
  echo "make-dev-certs: keeping the CA in $out/ca.crt"
else
  new_key "$out/ca.key"
  openssl req -x509 -new -key "$out/ca.key" -sha256 -days $((days + 30)) -subj "/O=KazGrpc development/CN=KazGrpc development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" -out "$out/ca.crt"
  echo "make-dev-certs: wrote the CA $out/ca.crt"
fi

# issue NAME USAGE [SAN...]: a key and a certificate signed by the CA; USAGE is serverAuth or clientAuth.
issue() {
  local name=$1 usage=$2; shift 2
  local ext=$work/$name.ext
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$usage"
    echo "subjectKeyIdentifier=hash"
    echo "authorityKeyIdentifier=keyid"
    if [[ $# -gt 0 ]]; then
      local sans=() san
      for san in "$@"; do
        if [[ $san =~ ^[0-9.]+$ || $san == *:* ]]; then sans+=("IP:$san"); else sans+=("DNS:$san"); fi
      done
      (IFS=,; echo "subjectAltName=${sans[*]}")
    fi
  } >"$ext"
  new_key "$work/$name.key"
  openssl req -new -key "$work/$name.key" -subj "/O=KazGrpc development/CN=$name" -out "$work/$name.csr"
  openssl x509 -req -in "$work/$name.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -CAserial "$work/ca.srl" \
    -days "$days" -sha256 -extfile "$ext" -out "$work/$name.crt" 2>/dev/null
  # Renamed into place, key first, so that a service reloading them never reads half a file.
  mv -f "$work/$name.key" "$out/$name.key"
  mv -f "$work/$name.crt" "$out/$name.crt"
  echo "make-dev-certs: wrote $out/$name.crt and $out/$name.key"
}

issue tokenizer-svc serverAuth 127.0.0.1 localhost tokenizer-svc ${extra_sans[@]+"${extra_sans[@]}"}
issue inference-svc serverAuth 127.0.0.1 localhost inference-svc ${extra_sans[@]+"${extra_sans[@]}"}
issue inference-svc-client clientAuth
issue caller clientAuth
chmod 644 "$out"/*.crt
