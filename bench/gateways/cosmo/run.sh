#!/usr/bin/env bash
# Runs the Cosmo Router on 127.0.0.1:$PORT: the GATEWAY command of `make bench` (see
# ../README.md). Install first: bash bench/gateways/cosmo/install.sh
#
# The router does not read a supergraph SDL: it runs an execution config that wgc composes
# from the same four subgraph SDLs and routing URLs (graph.yaml). This script composes it
# into execution-config.json when that is missing or older than its inputs, so $SUPERGRAPH
# is not used.
#
# Optional:
#   COSMO_SINGLE_FLIGHT=false  no origin request deduplication (the router's default,
#                              and this script's, is true)
#   COSMO_ROUTER=PATH          the router binary (default: bin/cosmo/router)
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$dir/../../.." && pwd)
: "${PORT:?PORT is not set}"
router=${COSMO_ROUTER:-$root/bin/cosmo/router}
wgc=$dir/node_modules/wgc/dist/src/index.js
for f in "$router" "$wgc"; do
	if [ ! -e "$f" ]; then
		echo "$f is missing: run bash $dir/install.sh" >&2
		exit 1
	fi
done

config=$dir/execution-config.json
stale=0
[ -s "$config" ] || stale=1
for f in "$dir/graph.yaml" "$root"/testdata/bench-workload/subgraphs/*.graphql "$wgc"; do
	[ "$f" -nt "$config" ] && stale=1
done
if [ "$stale" = 1 ]; then
	# No telemetry, no update check: wgc composes locally and calls nothing.
	(cd "$dir" && COSMO_TELEMETRY_DISABLED=true DO_NOT_TRACK=1 DISABLE_UPDATE_CHECK=true \
		node "$wgc" router compose --suppress-warnings -i graph.yaml -o "$config.tmp") >&2
	mv "$config.tmp" "$config"
fi

# config.yaml reads these. Nothing else from the environment should reach the router's
# configuration (it also reads env vars such as GRAPH_API_TOKEN and CONFIG_PATH).
export COSMO_EXECUTION_CONFIG=$config COSMO_SINGLE_FLIGHT=${COSMO_SINGLE_FLIGHT:-true}
unset GRAPH_API_TOKEN CONFIG_PATH LISTEN_ADDR CONTROLPLANE_URL
cd "$dir"
exec "$router" -config "$dir/config.yaml"
