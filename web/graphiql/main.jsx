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

// The worked examples of docs/api.md, one tab each (a browser that already has tabs keeps its own).
const TABS = [
  { query: DEFAULT_QUERY },
  {
    query: `# Enqueue a job (any agent: enqueueResearch, enqueueIndexing, enqueueBuild, enqueueOrchestrate …)
mutation Enqueue {
  enqueueExecute(input: { action: "artifact.publish", params: { name: "hello.txt", content: "hi" } }, idempotencyKey: "example-1") {
    jobId
    created
    job { status traceId }
  }
}
`,
  },
  {
    query: `# A job's events, oldest first, live until it ends. Put a job id in Variables.
subscription JobEvents($jobId: ID!) {
  jobEvents(jobId: $jobId) { id seq type ts data }
}
`,
    variables: '{ "jobId": "execute-…" }',
  },
  {
    query: `# Jobs, dead letters and the plan's gates (gateReport and queueStats need the admin scope)
query Operations {
  jobs(first: 10) { edges { node { id type status attempts error { code message } } } }
  deadLetters(first: 10) { id status error { code message } }
  gateReport(hours: 24, buckets: 24) { gates { name value ok } }
  queueStats { queue waiting active failed oldestWaitingAgeMs }
}
`,
  },
  {
    query: `# Ask a question: an orchestrate job streamed to its answer
subscription Ask {
  ask(question: "How are API keys stored?") { id type data }
}
`,
  },
];

function App() {
  return (
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={TABS}
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
