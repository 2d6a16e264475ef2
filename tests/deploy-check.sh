#!/usr/bin/env bash
# Checks the deployment files where no Docker engine or cluster runs: compose.yaml is valid
# (docker-compose config) and hardened, each Dockerfile's final stage runs as a non-root numeric
# user on the expected base image, and both Kubernetes overlays render (kubectl kustomize) with
# gRPC probes, a GPU, a headless Service, the HPA's queue metrics, PDBs and non-root read-only
# containers. The checks are in tests/deploy-check.py. Ends with "deploy check: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

# The first python3 that has PyYAML: a python3 ahead of Debian's on PATH may lack it.
for python in python3 /usr/bin/python3; do
  if command -v "$python" >/dev/null && "$python" -c 'import yaml' 2>/dev/null; then
    exec "$python" tests/deploy-check.py "$@"
  fi
done
echo "deploy check: FAIL python3 with PyYAML (Debian python3-yaml, tests/apt-packages.txt) is not installed"
echo "deploy check: 0 passed, 1 failed"
exit 1
