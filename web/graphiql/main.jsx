// COGO GraphiQL page (browser entry). Bundled by scripts/build-graphiql.mjs into
// dist/graphiql/; served by the COGO HTTP server under /graphiql/.
//
// Plain .jsx on purpose: it is browser code, kept out of the Node `tsc`
// typecheck (no @types/react in this repo). esbuild handles the JSX.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';

// Monaco web workers, built as separate self-contained (IIFE) files next to
// this bundle. The build script injects their hashed file names via `define`.
// Must be set before GraphiQL lazily loads monaco-editor.
/* global __COGO_GRAPHIQL_WORKERS__ */
const WORKERS = __COGO_GRAPHIQL_WORKERS__;
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const file = WORKERS[label] ?? WORKERS.editor;
    // Relative to this bundle's URL, so it works under any mount path.
    return new Worker(new URL(`./${file}`, import.meta.url), { name: label });
  },
};

const httpUrl = `${location.origin}/graphql`;
const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;

// HTTP for queries/mutations; graphql-ws (graphql-transport-ws protocol) for
// subscriptions. With `subscriptionUrl` the toolkit creates a graphql-ws client
// per subscription and sends the headers-editor contents (e.g. Authorization)
// as the connection_init payload (connectionParams).
const fetcher = createGraphiQLFetcher({
  url: httpUrl,
  subscriptionUrl: wsUrl,
});

const DEFAULT_QUERY = `# Welcome to COGO GraphiQL. Run with Ctrl-Enter.
# Request headers go in the Headers tab below, e.g.
#   {"Authorization": "Bearer <token>"}

query Health {
  health {
    status
    version
  }
}
`;

function App() {
  return (
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      isHeadersEditorEnabled
      defaultEditorToolsVisibility="headers"
    >
      <GraphiQL.Logo>COGO GraphiQL</GraphiQL.Logo>
    </GraphiQL>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
