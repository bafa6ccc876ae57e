// The console's entry point: a watch link (/console/watch/{id}#token=…) shows one session with its
// client token; everything else is the signed-in console, routed by the URL's hash.

import {api, auth} from './api.js';
import {el, replace} from './dom.js';
import {clear, notify} from './notice.js';
import {agentPage, agentsPage} from './agents.js';
import {costPage} from './cost.js';
import {availableSections, githubPage, webhooksPage} from './extras.js';
import {sessionPage} from './session.js';
import {sessionsPage} from './sessions.js';
import {signInPage} from './signin.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const whoami = document.getElementById('whoami');
let current = null;

function show(render) {
  if (current) current.dispose();
  clear();
  current = render();
}

function watch(sessionId) {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  document.body.classList.add('watch');
  document.getElementById('brand').removeAttribute('href');
  if (!token) {
    replace(main, el('p', {id: 'page-error', class: 'problem'},
      'This watch link has no token. Ask for a new link: it ends in #token=… .'));
    return;
  }
  auth.useClientToken(token);
  window.addEventListener('oc:unauthorized', () =>
    notify('This watch link has expired or is not valid. Ask for a new link.'));
  show(() => sessionPage(main, sessionId, true));
}

const ROUTES = [
  [/^#\/sessions\/([A-Za-z0-9_-]+)$/, m => sessionPage(main, m[1], false)],
  [/^#\/agents\/([A-Za-z0-9_-]+)$/, m => agentPage(main, m[1])],
  [/^#\/agents$/, () => agentsPage(main)],
  [/^#\/cost$/, () => costPage(main)],
  [/^#\/webhooks$/, () => webhooksPage(main)],
  [/^#\/github$/, () => githubPage(main)],
  [/^#\/sessions$/, () => sessionsPage(main)],
];

function route() {
  if (!auth.hasApiKey()) return signIn();
  const hash = location.hash || '#/sessions';
  for (const [pattern, render] of ROUTES) {
    const match = hash.match(pattern);
    if (match) {
      markNav(hash);
      return show(() => render(match));
    }
  }
  location.hash = '#/sessions';
}

function markNav(hash) {
  nav.querySelectorAll('a').forEach(a => a.classList.toggle('current', hash.startsWith(a.getAttribute('href'))));
}

async function renderNav(tenant) {
  const links = [['#/sessions', 'Sessions'], ['#/agents', 'Agents'], ['#/cost', 'Cost']];
  replace(nav, links.map(([href, label]) => el('a', {href}, label)),
    el('button', {type: 'button', id: 'signout', class: 'link', onclick: signOut}, 'Sign out'));
  nav.hidden = false;
  whoami.textContent = tenant ? `tenant ${tenant.name}` : '';
  for (const section of await availableSections()) {
    nav.insertBefore(el('a', {href: section.hash}, section.label), document.getElementById('signout'));
  }
  markNav(location.hash);
}

function signIn(message) {
  nav.hidden = true;
  whoami.textContent = '';
  show(() => signInPage(main, message, tenant => {
    renderNav(tenant);
    if (!location.hash) location.hash = '#/sessions';
    else route();
  }));
}

function signOut() {
  auth.signOut();
  history.replaceState(null, '', '/console/');
  signIn('Signed out.');
}

function signedIn() {
  window.addEventListener('oc:unauthorized', () => {
    auth.signOut();
    signIn('Your API key was not accepted (revoked or mistyped). Sign in again.');
  });
  window.addEventListener('hashchange', route);
  if (auth.restore()) {
    api('GET', '/v1/tenant').then(renderNav).catch(() => {});
    route();
  } else {
    signIn();
  }
}

const watchPath = location.pathname.match(/^\/console\/watch\/([A-Za-z0-9_-]+)\/?$/);
if (watchPath) watch(watchPath[1]);
else signedIn();
