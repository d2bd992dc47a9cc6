// Hive Gateway's configuration for Atrium's benchmark (run.sh passes it with -c).
//
// HIVE_GATEWAY_DEDUP chooses the deduplication of identical requests in flight:
//   unset  Hive Gateway's defaults: requests to subgraphs are deduplicated, client
//          requests are not
//   off    neither: compare with "atrium dedup off"
//   on     both (inboundInflightRequestDeduplication too, as in the public
//          graphql-gateways-benchmark's setup): compare with "atrium dedup on"
const dedup = process.env.HIVE_GATEWAY_DEDUP || '';
if (!['', 'off', 'on'].includes(dedup)) {
  throw new Error(`HIVE_GATEWAY_DEDUP=${dedup}: want off, on or nothing`);
}

export const gatewayConfig = {
  inboundInflightRequestDeduplication: dedup === 'on',
  ...(dedup === 'off' && {
    transportEntries: {
      '*.http': { options: { deduplicateInflightRequests: false } },
    },
  }),
};
