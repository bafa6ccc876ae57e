// Sections that exist only when the server has the API behind them: webhook endpoints (with their
// dead letters and a replay button) and GitHub triggers. The app probes for them and hides their
// links on a 404.

import {api, exists} from './api.js';
import {el, replace} from './dom.js';
import {time} from './format.js';
import {attempt, notify} from './notice.js';

export const OPTIONAL_SECTIONS = [
  {hash: '#/webhooks', label: 'Webhooks', probe: '/v1/webhook-endpoints?limit=1'},
  {hash: '#/github', label: 'GitHub', probe: '/v1/github/triggers?limit=1'},
];

/** The optional sections this server has. */
export async function availableSections() {
  const present = await Promise.all(OPTIONAL_SECTIONS.map(s => exists(s.probe)));
  return OPTIONAL_SECTIONS.filter((_, i) => present[i]);
}

export function webhooksPage(main) {
  const list = el('div', {id: 'webhook-endpoints'});
  replace(main, el('h1', {}, 'Webhook endpoints'), list);
  attempt(async () => {
    const endpoints = await api('GET', '/v1/webhook-endpoints?limit=200');
    if (endpoints.data.length === 0) return replace(list, el('p', {class: 'muted'}, 'No webhook endpoints.'));
    replace(list, endpoints.data.map(endpoint => {
      const dead = el('tbody', {});
      attempt(async () => {
        const messages = await api('GET', `/v1/webhook-endpoints/${encodeURIComponent(endpoint.id)}/messages?status=failed&limit=100`);
        replace(dead, messages.data.length === 0 ? el('tr', {}, el('td', {colspan: 4, class: 'muted'}, 'No dead letters.'))
          : messages.data.map(m => el('tr', {}, el('td', {}, m.id), el('td', {}, m.eventType || ''), el('td', {}, time(m.createdAt)),
            el('td', {}, el('button', {type: 'button', onclick: async () => {
              if (await attempt(() => api('POST', `/v1/webhook-messages/${encodeURIComponent(m.id)}/retry`)) !== undefined) {
                notify(`Message ${m.id} was sent again.`, 'good');
              }
            }}, 'Replay')))));
      });
      return el('section', {class: 'card'}, el('h2', {}, el('code', {}, endpoint.url || endpoint.id)),
        el('p', {class: 'muted'}, `${endpoint.id} · ${endpoint.status || ''} · events: ${(endpoint.events || ['all']).join(', ')}`),
        el('h3', {}, 'Dead letters'),
        el('table', {class: 'list'}, el('thead', {}, el('tr', {}, ['Message', 'Event', 'Created', ''].map(h => el('th', {}, h)))), dead));
    }));
  });
  return {dispose() {}};
}

export function githubPage(main) {
  const body = el('tbody', {});
  replace(main, el('h1', {}, 'GitHub triggers'),
    el('table', {class: 'list', id: 'github-triggers'},
      el('thead', {}, el('tr', {}, ['Trigger', 'Repository', 'Label', 'Agent', 'Created'].map(h => el('th', {}, h)))), body));
  attempt(async () => {
    const triggers = await api('GET', '/v1/github/triggers?limit=200');
    replace(body, triggers.data.length === 0 ? el('tr', {}, el('td', {colspan: 5, class: 'muted'}, 'No triggers.'))
      : triggers.data.map(t => el('tr', {}, el('td', {}, t.id), el('td', {}, t.repository || ''), el('td', {}, t.label || ''),
        el('td', {}, t.agent || t.agentId || ''), el('td', {}, time(t.createdAt)))));
  });
  return {dispose() {}};
}
