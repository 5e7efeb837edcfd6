import { formatValue, h, sparkline } from './dom.js';

const JOBS = `{ jobs(first: 15) { edges { node { id type status attempts enqueuedAt finishedAt error { code message } } } } }`;
const QUEUES = `{ queueStats { queue waiting active delayed failed completed oldestWaitingAgeMs } agents { id host queues lastSeen activeJobs } }`;
const DEAD = `{ deadLetters(first: 50) { id type status attempts finishedAt error { code message } } }`;
const GATES = `{ gateReport(hours: 24, buckets: 24) { since until gates { name label unit limit value ok } buckets { start jobs values } } }`;
const ROUTING = `{ routingReport { questions calls costUsd alwaysFullCostUsd savingShare escalationRate tiers { tier calls costUsd } } }`;
const REQUEUE = `mutation($id: ID!) { requeueDeadLetter(id: $id) { id status } }`;

const refusal = (error) => h('p.muted', {}, error.code === 'FORBIDDEN' ? 'needs the admin scope' : `${error.code ?? 'ERROR'}: ${error.message}`);

/** Re-runs `work` at most once per `ms`, however often it is asked for. */
function debounced(work, ms) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(work, ms);
  };
}

/** The overview: gates, queues and workers, recent jobs, dead letters, routing cost; kept current by subscriptions. */
export function renderOverview(root, api, onStatus) {
  const sections = {
    gates: h('div.cards', { id: 'gates' }),
    queues: h('div', { id: 'queues' }),
    jobs: h('div', { id: 'jobs' }),
    dead: h('div', { id: 'dead-letters' }),
    routing: h('div', { id: 'routing' }),
  };
  root.replaceChildren(
    h('section', {}, h('h2', {}, 'Gates (last 24 h, from bus_events)'), sections.gates),
    h('div.columns', {}, h('section', {}, h('h2', {}, 'Queues and workers'), sections.queues), h('section', {}, h('h2', {}, 'Routing cost'), sections.routing)),
    h('section', {}, h('h2', {}, 'Recent jobs'), sections.jobs),
    h('section', {}, h('h2', {}, 'Dead letters'), sections.dead),
  );

  // Refreshes overlap when events come quickly: an answer older than the section's newest request is dropped,
  // or a slow early read would draw over a later one.
  const latest = new Map();
  const load = async (query, section, draw) => {
    const ticket = (latest.get(section) ?? 0) + 1;
    latest.set(section, ticket);
    try {
      const data = await api.graphql(query);
      if (latest.get(section) === ticket) draw(section, data);
    } catch (error) {
      if (latest.get(section) === ticket) section.replaceChildren(refusal(error));
    }
  };
  const refreshJobs = () => load(JOBS, sections.jobs, drawJobs);
  const refreshQueues = () => load(QUEUES, sections.queues, drawQueues);
  const refreshDead = () => load(DEAD, sections.dead, (section, data) => drawDeadLetters(section, data, requeue));
  const refreshGates = () => load(GATES, sections.gates, drawGates);
  const refreshRouting = () => load(ROUTING, sections.routing, drawRouting);

  async function requeue(id) {
    try {
      await api.graphql(REQUEUE, { id });
      onStatus(`requeued ${id}`);
    } catch (error) {
      onStatus(`requeue failed: ${error.code}: ${error.message}`, true);
    }
    refreshDead();
    refreshJobs();
  }

  const onSystemEvent = debounced(() => {
    refreshJobs();
    refreshQueues();
    refreshDead();
  }, 150);
  const onError = (error) => onStatus(`live updates stopped: ${error.message}`, true);
  const stops = [
    api.subscribe('subscription { systemEvents(fromNow: true) { id type jobId ts data } }', {}, onSystemEvent, onError),
    // Presence is admin-only: without the scope the workers list says so and the rest stays live.
    api.subscribe('subscription { agentPresence(fromNow: true) { id type ts } }', {}, debounced(refreshQueues, 300), () => {}),
  ];
  const timer = setInterval(() => {
    refreshGates();
    refreshRouting();
  }, 30_000);
  refreshJobs();
  refreshQueues();
  refreshDead();
  refreshGates();
  refreshRouting();
  return () => {
    clearInterval(timer);
    for (const stop of stops) stop();
  };
}

function drawGates(section, { gateReport }) {
  section.replaceChildren(
    ...gateReport.gates.map((gate) => {
      const state = gate.ok === null ? 'nodata' : gate.ok ? 'ok' : 'fail';
      const series = gateReport.buckets.map((b) => b.values[gate.name] ?? null);
      return h(
        `div.card.gate.${state}`,
        { dataset: { gate: gate.name, state } },
        h('div.label', {}, gate.label),
        h('div.value', {}, formatValue(gate.value, gate.unit)),
        h(
          'div.limit',
          {},
          `goal ${gate.name === 'e2eSuccess' ? '≥' : gate.name === 'errorRate' || gate.name === 'timeToRecover' ? '<' : '≤'} ${formatValue(gate.limit, gate.unit)}`,
        ),
        sparkline(series, gate.limit),
      );
    }),
  );
}

function drawQueues(section, { queueStats, agents }) {
  section.replaceChildren(
    h(
      'table',
      {},
      h('tr', {}, ...['queue', 'waiting', 'active', 'delayed', 'failed', 'oldest wait'].map((c) => h('th', {}, c))),
      ...queueStats.map((q) =>
        h(
          'tr',
          { dataset: { queue: q.queue } },
          h('td', {}, q.queue),
          h('td', {}, q.waiting),
          h('td', {}, q.active),
          h('td', {}, q.delayed),
          h('td', {}, q.failed),
          h('td', {}, formatValue(q.oldestWaitingAgeMs, 'ms')),
        ),
      ),
    ),
    h('h3', {}, `Workers (${agents.length})`),
    h('ul.workers', {}, ...agents.map((a) => h('li', {}, `${a.id} — ${a.queues.join(', ')} — ${a.activeJobs} running`))),
  );
}

const jobLink = (id) => h('a', { href: `#/job/${encodeURIComponent(id)}` }, id);

function drawJobs(section, { jobs }) {
  const rows = jobs.edges.map(({ node }) =>
    h(
      'tr.job',
      { dataset: { job: node.id, status: node.status } },
      h('td', {}, jobLink(node.id)),
      h('td', {}, node.type),
      h('td', {}, h(`span.status.${node.status}`, {}, node.status)),
      h('td', {}, node.attempts),
      h('td', {}, new Date(node.enqueuedAt).toLocaleTimeString()),
    ),
  );
  section.replaceChildren(
    rows.length
      ? h('table', {}, h('tr', {}, ...['job', 'type', 'status', 'attempts', 'enqueued'].map((c) => h('th', {}, c))), ...rows)
      : h('p.muted', {}, 'no jobs yet'),
  );
}

function drawDeadLetters(section, { deadLetters }, requeue) {
  if (!deadLetters.length) return section.replaceChildren(h('p.muted', {}, 'none'));
  section.replaceChildren(
    h(
      'table',
      {},
      ...deadLetters.map((job) =>
        h(
          'tr.dead',
          { dataset: { job: job.id } },
          h('td', {}, jobLink(job.id)),
          h('td', {}, `${job.status} after ${job.attempts}`),
          h('td', {}, job.error ? `${job.error.code}: ${job.error.message}` : ''),
          h('td', {}, h('button.requeue', { onclick: (event) => ((event.target.disabled = true), requeue(job.id)) }, 'Requeue')),
        ),
      ),
    ),
  );
}

function drawRouting(section, { routingReport: r }) {
  section.replaceChildren(
    h('p', {}, `${r.questions} questions, ${r.calls} model calls`),
    h('p.big', {}, `${formatValue(r.costUsd, 'usd')} spent vs ${formatValue(r.alwaysFullCostUsd, 'usd')} always-full`),
    h('p', {}, `saving ${formatValue(r.savingShare, 'ratio')}, escalations ${formatValue(r.escalationRate, 'ratio')}`),
    h('ul', {}, ...r.tiers.map((t) => h('li', {}, `${t.tier}: ${t.calls} calls, ${formatValue(t.costUsd, 'usd')}`))),
  );
}
