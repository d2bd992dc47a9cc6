// Entry point of the Atrium playground. The Go handler (../../playground.go)
// serves an HTML page that names the GraphQL endpoint in a <meta> tag, so the
// same bundle works wherever the gateway mounts it.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './main.css';

function meta(name, fallback) {
  const el = document.querySelector(`meta[name="${name}"]`);
  return el && el.content ? el.content : fallback;
}

const endpoint = new URL(
  meta('atrium-graphql-endpoint', window.location.pathname),
  window.location.href,
).toString();
const title = meta('atrium-title', 'Atrium');

const fetcher = createGraphiQLFetcher({ url: endpoint });

createRoot(document.getElementById('atrium-playground')).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={'{\n  __typename\n}\n'}
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
      defaultEditorToolsVisibility="headers"
    >
      <GraphiQL.Logo>{title}</GraphiQL.Logo>
    </GraphiQL>
  </StrictMode>,
);
