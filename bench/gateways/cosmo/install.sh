#!/usr/bin/env bash
# Installs what run.sh needs: wgc (package.json, to compose the execution config) and the
# Cosmo Router 0.98.2, built from source with the Go module proxy (router/go.mod), into
# bin/cosmo/router at the repository's root (or $COSMO_ROUTER).
# The build takes a few minutes on 2 cores the first time.
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$dir/../../.." && pwd)
out=${COSMO_ROUTER:-$root/bin/cosmo/router}

npm --prefix "$dir" ci --no-audit --no-fund
mkdir -p "$(dirname "$out")"
cd "$dir/router"
CGO_ENABLED=0 go build -trimpath \
	-ldflags "-X github.com/wundergraph/cosmo/router/core.Version=0.98.2 -X github.com/wundergraph/cosmo/router/core.Commit=b20b00e892c6" \
	-o "$out" .
echo "cosmo router: $out"
