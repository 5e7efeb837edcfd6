import cytoscape from 'cytoscape';
import { h } from './dom.js';

const JOB = `query($id: ID!) { job(id: $id) { id type status traceId parentJobId attempts maxAttempts workerId enqueuedAt startedAt finishedAt input result error { code message } artifacts } }`;
const EVIDENCE = `query($id: ID!) { evidence(jobId: $id, first: 12) { id url title kind } }`;
const EVENTS = `subscription($id: ID!) { jobEvents(jobId: $id) { id seq type ts data } }`;

/** One line per event: what a person scanning a build log, an execute flow or an answer wants to see. */
function summary(event) {
  const d = event.data ?? {};
  if (event.type === 'meta') return d.route ? `route → ${d.route.tier} (${d.route.taskType})` : `${d.phase}${d.attempt ? ` (attempt ${d.attempt})` : ''}`;
  if (event.type.endsWith('.log')) return [d.stream, d.line ?? d.message].filter(Boolean).join(': ');
  if (event.type === 'llm.delta') return `[${d.tier}] ${d.text}`;
  if (event.type === 'llm.done') return `answer on ${d.tier}, $${Number(d.costUsd ?? 0).toFixed(4)}, ${(d.attempts ?? []).length} model call(s)`;
  if (d.error) return `${d.error.code}: ${d.error.message}`;
  if (d.code) return `${d.code}: ${d.message}`;
  return JSON.stringify(d).slice(0, 160);
}

/** A job: its record, its live event stream, and its lineage (parent, artifacts, evidence) drawn as a graph. */
export function renderJob(root, api, id, onStatus) {
  const details = h('dl.details', { id: 'job-details' });
  const events = h('ol.events', { id: 'events' });
  const graph = h('div.graph', { id: 'lineage' });
  root.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← overview')),
    h('h2', {}, id),
    h('div.columns', {}, h('section', {}, h('h3', {}, 'Record'), details), h('section', {}, h('h3', {}, 'Lineage and evidence'), graph)),
    h('section', {}, h('h3', {}, 'Events (live)'), events),
  );
  let cy;
  const load = async () => {
    try {
      const { job } = await api.graphql(JOB, { id });
      if (!job) return details.replaceChildren(h('p.muted', {}, 'no such job (or another tenant’s)'));
      drawDetails(details, job);
      const evidence =
        job.type === 'research'
          ? await api.graphql(EVIDENCE, { id }).then(
              (d) => d.evidence,
              () => [],
            )
          : [];
      cy?.destroy();
      cy = drawLineage(graph, job, evidence);
    } catch (error) {
      details.replaceChildren(h('p.error', {}, `${error.code}: ${error.message}`));
    }
  };
  const stop = api.subscribe(
    EVENTS,
    { id },
    (event) => {
      events.append(h('li', { dataset: { type: event.type, seq: event.seq } }, h('span.type', {}, event.type), ' ', h('span.summary', {}, summary(event))));
      // A status change comes with the lifecycle events: read the record again then.
      if (event.type === 'meta' || event.type.startsWith('job.') || event.type.endsWith('.done')) void load();
    },
    (error) => onStatus(`event stream: ${error.message}`, true),
  );
  void load();
  return () => {
    stop();
    cy?.destroy();
  };
}

function drawDetails(details, job) {
  const rows = [
    ['type', job.type],
    ['status', job.status],
    ['attempts', `${job.attempts} of ${job.maxAttempts}`],
    ['worker', job.workerId ?? '—'],
    ['trace', job.traceId],
    ['enqueued', job.enqueuedAt],
    ['finished', job.finishedAt ?? '—'],
    ['error', job.error ? `${job.error.code}: ${job.error.message}` : '—'],
  ];
  details.dataset.status = job.status;
  details.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { dataset: { field: k } }, v)]));
}

function drawLineage(container, job, evidence) {
  const elements = [{ data: { id: job.id, label: `${job.type}\n${job.status}`, kind: 'job' } }];
  if (job.parentJobId) {
    elements.push(
      { data: { id: job.parentJobId, label: 'parent job', kind: 'parent' } },
      { data: { source: job.parentJobId, target: job.id, label: 'spawned' } },
    );
  }
  for (const [i, artifact] of (job.artifacts ?? []).entries()) {
    const id = String(artifact.id ?? `artifact-${i}`);
    elements.push(
      { data: { id, label: String(artifact.path ?? artifact.name ?? id).slice(0, 40), kind: 'artifact' } },
      { data: { source: job.id, target: id, label: 'produced' } },
    );
  }
  for (const item of evidence) {
    elements.push(
      { data: { id: item.id, label: (item.title || item.url).slice(0, 40), kind: 'evidence' } },
      { data: { source: job.id, target: item.id, label: item.kind } },
    );
  }
  return cytoscape({
    container,
    elements,
    // A lone job node would otherwise be zoomed to fill the panel.
    maxZoom: 1.5,
    layout: { name: elements.length > 2 ? 'concentric' : 'grid', concentric: (node) => (node.data('kind') === 'job' ? 2 : 1), levelWidth: () => 1 },
    style: [
      {
        selector: 'node',
        style: { label: 'data(label)', 'text-wrap': 'wrap', 'font-size': 9, 'text-valign': 'bottom', 'background-color': '#6b7280', width: 18, height: 18 },
      },
      { selector: 'node[kind = "job"]', style: { 'background-color': '#2563eb', width: 28, height: 28 } },
      { selector: 'node[kind = "evidence"]', style: { 'background-color': '#059669' } },
      { selector: 'node[kind = "artifact"]', style: { 'background-color': '#d97706', shape: 'round-rectangle' } },
      {
        selector: 'edge',
        style: {
          width: 1,
          'line-color': '#9ca3af',
          'target-arrow-shape': 'triangle',
          'target-arrow-color': '#9ca3af',
          'curve-style': 'bezier',
          label: 'data(label)',
          'font-size': 7,
        },
      },
    ],
  });
}
