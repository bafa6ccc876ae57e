// The sessions list (refreshed every few seconds, so status changes show up on their own), its
// filters, and the form that starts a session.

import {api} from './api.js';
import {el, field, replace, select} from './dom.js';
import {time} from './format.js';
import {attempt} from './notice.js';

const STATUSES = ['pending', 'running', 'waiting', 'idle', 'hibernated', 'failed', 'closed', 'exhausted'];
const REFRESH_MS = 3000;
const filters = {status: '', agent: ''};

export function sessionsPage(main) {
  const body = el('tbody', {id: 'sessions-rows'});
  const agentFilter = select({id: 'filter-agent'}, [['', 'every agent']], '');
  const statusFilter = select({id: 'filter-status'}, [['', 'every status'], ...STATUSES], filters.status);
  const startAgent = select({id: 'start-agent', required: true}, [], '');
  const input = el('textarea', {id: 'start-input', rows: 3, required: true, placeholder: 'What should the agent do?'});
  const startButton = el('button', {type: 'submit', id: 'start'}, 'Start session');
  let names = new Map();
  let timer = null;
  let disposed = false;

  const start = el('form', {id: 'start-form', class: 'card', onsubmit: async e => {
    e.preventDefault();
    startButton.disabled = true;
    const created = await attempt(() => api('POST', '/v1/sessions', {agent: startAgent.value, input: input.value}));
    startButton.disabled = false;
    if (created) location.hash = `#/sessions/${created.id}`;
  }}, el('h2', {}, 'Start a session'), field('Agent', startAgent), field('Input', input), startButton);

  statusFilter.addEventListener('change', () => { filters.status = statusFilter.value; refresh(); });
  agentFilter.addEventListener('change', () => { filters.agent = agentFilter.value; refresh(); });

  replace(main, el('h1', {}, 'Sessions'),
    el('div', {class: 'filters'}, field('Status', statusFilter), field('Agent', agentFilter)),
    el('table', {class: 'list', id: 'sessions'},
      el('thead', {}, el('tr', {}, ['Session', 'Status', 'Agent', 'Created', 'Last event'].map(h => el('th', {}, h)))), body),
    start);

  async function loadAgents() {
    const agents = await attempt(() => api('GET', '/v1/agents?limit=200'));
    if (!agents) return;
    names = new Map(agents.data.map(a => [a.id, a.name]));
    replace(agentFilter, el('option', {value: ''}, 'every agent'),
      agents.data.map(a => el('option', {value: a.id, selected: a.id === filters.agent}, a.name)));
    replace(startAgent, agents.data.map(a => el('option', {value: a.id}, `${a.name} (${a.model})`)));
    if (agents.data.length === 0) replace(startAgent, el('option', {value: ''}, 'create an agent first'));
  }

  async function refresh() {
    clearTimeout(timer);
    const query = new URLSearchParams({limit: '50'});
    if (filters.status) query.set('status', filters.status);
    if (filters.agent) query.set('agent', filters.agent);
    const page = await attempt(() => api('GET', `/v1/sessions?${query}`));
    if (disposed) return;
    if (page) {
      replace(body, page.data.length === 0
        ? el('tr', {}, el('td', {colspan: 5, class: 'muted'}, 'No sessions yet.'))
        : page.data.map(s => el('tr', {dataset: {session: s.id}},
          el('td', {}, el('a', {href: `#/sessions/${s.id}`}, s.id)),
          el('td', {}, el('span', {class: `badge status-${s.status}`}, s.status)),
          el('td', {}, names.get(s.agentId) || s.agentId),
          el('td', {}, time(s.createdAt)),
          el('td', {}, `#${s.lastSeq} · ${time(s.updatedAt)}`))));
    }
    timer = setTimeout(refresh, REFRESH_MS);
  }

  loadAgents().then(refresh);
  return {dispose() { disposed = true; clearTimeout(timer); }};
}
