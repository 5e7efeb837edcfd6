import { createApi, saveKey, savedKey } from './api.js';
import { h } from './dom.js';
import { renderJob } from './job.js';
import { renderOverview } from './overview.js';
import './style.css';

const WHOAMI = `{ jobs(first: 1) { edges { node { id } } } }`;

const status = h('span.status-line', { id: 'status', role: 'status' });
const keyInput = h('input', { id: 'api-key', type: 'password', placeholder: 'API key (not needed on a loopback dev server)', autocomplete: 'off' });
const main = h('main', { id: 'view' });
let api;
let leave = () => {};

function say(message, isError = false) {
  status.textContent = message;
  status.classList.toggle('error', isError);
}

/** Checks the key with one read: a refusal says why, and nothing else loads. */
async function signIn(key, { remember }) {
  api?.dispose();
  api = createApi(key);
  try {
    await api.graphql(WHOAMI);
  } catch (error) {
    say(`sign-in refused: ${error.code}: ${error.message}`, true);
    document.body.dataset.signedIn = 'false';
    main.replaceChildren();
    return;
  }
  // Only a sign-in the user asked for replaces the remembered key (the automatic one at load never clears it).
  if (remember) saveKey(key);
  document.body.dataset.signedIn = 'true';
  say(key ? 'signed in with an API key' : 'signed in (loopback development mode)');
  route();
}

function route() {
  if (document.body.dataset.signedIn !== 'true') return;
  leave();
  const job = /^#\/job\/(.+)$/.exec(location.hash);
  leave = job ? renderJob(main, api, decodeURIComponent(job[1]), say) : renderOverview(main, api, say);
}

const form = h(
  'form.signin',
  { onsubmit: (event) => (event.preventDefault(), void signIn(keyInput.value.trim(), { remember: true })) },
  keyInput,
  h('button', { id: 'sign-in', type: 'submit' }, 'Sign in'),
  h('button', { type: 'button', onclick: () => ((keyInput.value = ''), saveKey(''), location.reload()) }, 'Sign out'),
);
document.body.append(
  h('header', {}, h('h1', {}, 'COGO'), h('a', { href: '/graphiql/' }, 'GraphiQL'), h('a', { href: '/docs/', id: 'docs-link' }, 'Docs'), form, status),
  main,
);
window.addEventListener('hashchange', route);
keyInput.value = savedKey();
void signIn(keyInput.value, { remember: false });
