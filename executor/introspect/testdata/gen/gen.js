// Writes the golden answers of introspect's tests: what graphql-js, the reference
// implementation, answers to each query. Run it after changing a schema or a query:
//
//   dir=$(mktemp -d) && (cd "$dir" && npm install graphql@16.15.0) &&
//     NODE_PATH="$dir/node_modules" node executor/introspect/testdata/gen/gen.js
//
// For each folder testdata/NAME holding schema.graphql, every other QUERY.graphql in
// it (and testdata/introspection.graphql, as full.graphql) is executed with variables
// from QUERY.vars.json if present, and the response is written to QUERY.want.json.
'use strict';

const fs = require('fs');
const path = require('path');
const { buildSchema, graphql, version } = require('graphql');

// gqlparser's prelude declares @defer, which graphql-js 16 does not: declare the same.
const deferDirective = `
"Directs the executor to defer this fragment when the \`if\` argument is true or undefined."
directive @defer(
  "Deferred when true or undefined."
  if: Boolean = true,
  "Unique name"
  label: String
) on FRAGMENT_SPREAD | INLINE_FRAGMENT
`;

async function main() {
  const testdata = path.resolve(__dirname, '..');
  const full = fs.readFileSync(path.join(testdata, 'introspection.graphql'), 'utf8');
  for (const name of fs.readdirSync(testdata).sort()) {
    const dir = path.join(testdata, name);
    const schemaFile = path.join(dir, 'schema.graphql');
    if (!fs.existsSync(schemaFile)) continue;
    const schema = buildSchema(fs.readFileSync(schemaFile, 'utf8') + deferDirective);
    const queries = [['full', full]];
    for (const file of fs.readdirSync(dir).sort()) {
      if (file.endsWith('.graphql') && file !== 'schema.graphql') {
        queries.push([file.slice(0, -'.graphql'.length), fs.readFileSync(path.join(dir, file), 'utf8')]);
      }
    }
    for (const [query, source] of queries) {
      const varsFile = path.join(dir, query + '.vars.json');
      const variableValues = fs.existsSync(varsFile) ? JSON.parse(fs.readFileSync(varsFile, 'utf8')) : {};
      const result = await graphql({ schema, source, variableValues });
      if (result.errors) {
        throw new Error(`${name}/${query}: ${result.errors.map(String).join('\n')}`);
      }
      const out = path.join(dir, query + '.want.json');
      fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
      console.log(`graphql-js ${version}: wrote ${path.relative(testdata, out)}`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
