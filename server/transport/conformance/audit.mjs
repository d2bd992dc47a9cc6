// Runs the graphql-http server audits (GraphQL over HTTP conformance) against
// a URL and exits non-zero unless every audit is ok: warnings and notices
// count as failures.
//
//   node audit.mjs http://127.0.0.1:4000/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <url>');
  process.exit(2);
}

const results = await Promise.all(
  serverAudits({ url, fetchFn: fetch }).map((audit) => audit.fn()),
);

let notOK = 0;
for (const result of results) {
  console.log(`${result.status.padEnd(6)} ${result.id} ${result.name}`);
  if (result.status !== 'ok') {
    notOK++;
    console.log(`       reason: ${result.reason}`);
    if (result.response) {
      const body = await result.response.text().catch(() => '(body already read)');
      console.log(`       response: ${result.response.status} ${result.response.headers.get('content-type')} ${body}`);
    }
  }
}
console.log(`audits: ${results.length - notOK} ok, ${notOK} not ok`);
process.exit(notOK === 0 ? 0 : 1);
