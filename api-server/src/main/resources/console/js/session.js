// A session's page: what it is and what it cost, its live timeline, and the controls to steer it.
// With a watch link (client token only) the page shows what the token may do: read, message,
// cancel, change the live configuration; closing, destroying and reading files need an API key.

import {api, auth} from './api.js';
import {el, field, replace, select} from './dom.js';
import {count, duration, time} from './format.js';
import {attempt, confirmAction, notify} from './notice.js';
import {SessionFold} from './fold.js';
import {SessionStream} from './stream.js';
import {Timeline} from './timeline.js';

const STATE_LABELS = {connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', ended: 'stream ended'};

export function sessionPage(main, sessionId, watch) {
  const path = `/v1/sessions/${encodeURIComponent(sessionId)}`;
  const canAdminister = auth.hasApiKey();
  const statusBadge = el('span', {id: 'status', class: 'badge'}, '…');
  const streamBadge = el('span', {id: 'stream-state', class: 'badge state-connecting'}, STATE_LABELS.connecting);
  const facts = el('dl', {class: 'facts'});
  const cost = el('span', {id: 'cost'}, '');
  const fileView = el('aside', {id: 'file-view', hidden: true});
  const controls = el('section', {class: 'controls'});
  let session = null;
  let fold = null;
  let stream = null;
  let ticker = null;
  let minted = null;

  const timeline = new Timeline({
    openFile: canAdminister ? p => openFile(p) : null,
    answerPermission: (requestId, decision) => attempt(() => api('POST',
      `${path}/permissions/${encodeURIComponent(requestId)}`, {decision})),
  });

  replace(main,
    el('div', {class: 'session-head'},
      el('h1', {}, watch ? 'Session ' : '', el('code', {id: 'session-id'}, sessionId)), statusBadge, streamBadge),
    facts, el('p', {class: 'cost-line'}, cost), controls,
    el('div', {class: 'session-body'}, timeline.node, fileView));

  function showStatus(status) {
    statusBadge.textContent = status;
    statusBadge.className = `badge status-${status}`;
    controls.querySelectorAll('[data-needs-open]').forEach(c => { c.disabled = status === 'closed'; });
  }

  function showCost() {
    if (!fold) return;
    cost.textContent = `Running time ${duration(fold.runningSeconds())} · tokens ${count(fold.inputTokens)} in / ${count(fold.outputTokens)} out`;
  }

  async function clientToken() {
    if (watch) return auth.clientToken();
    if (!minted || Date.parse(minted.clientTokenExpiresAt) - Date.now() < 60000) {
      minted = await api('POST', `${path}/client-tokens`);
    }
    return minted.clientToken;
  }

  async function openFile(filePath) {
    const content = await attempt(() => api('GET',
      `/v1/sandboxes/${encodeURIComponent(session.sandboxId)}/files?path=${encodeURIComponent(filePath)}`, undefined, {as: 'text'}));
    if (content === undefined) return;
    const shown = content.length > 200000 ? `${content.slice(0, 200000)}\n… (${content.length - 200000} more characters)` : content;
    replace(fileView, el('div', {class: 'file-head'}, el('code', {id: 'file-path'}, filePath),
      el('button', {type: 'button', class: 'link', onclick: () => { fileView.hidden = true; }}, 'Close')),
      el('pre', {id: 'file-content'}, shown));
    fileView.hidden = false;
  }

  /** "tokens 15100 of 15000 · $0.0741 of $1 · run time 2.5 s (exhausted: tokens)" from GET /v1/sessions/{id}'s budget. */
  function budgetText(budget) {
    const limits = budget.limits || {}, spent = budget.spent || {};
    const part = (label, used, limit, unit = '') => `${label} ${unit}${used ?? 0}${limit !== undefined && limit !== null ? ` of ${unit}${limit}` : ''}`;
    const text = [part('tokens', spent.tokens, limits.maxTokens), part('cost', spent.costUsd, limits.maxCostUsd, '$'),
      `${part('run time', spent.runTime, limits.maxRunTime)} s`].join(' · ');
    return budget.exhausted ? `${text} (exhausted: ${budget.exhausted.kind})` : text;
  }

  function renderFacts() {
    const rows = [
      ['Agent', el('span', {id: 'agent'}, `${session.agentId} v${session.agentVersion}`)],
      ['Created', time(session.createdAt)],
      ['Sandbox', session.sandboxId || '—'],
      ['Working directory', session.cwd || '/workspace'],
    ];
    if (session.budget) rows.push(['Budget', el('span', {id: 'budget'}, budgetText(session.budget))]);
    if (session.spend) rows.push(['Spend', JSON.stringify(session.spend)]);
    replace(facts, rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
    if (canAdminister) {
      api('GET', `/v1/agents/${encodeURIComponent(session.agentId)}/versions/${session.agentVersion}`)
        .then(agent => { document.getElementById('agent').textContent = `${agent.name} (version ${agent.version}, ${agent.model})`; })
        .catch(() => {});
    }
  }

  function renderControls() {
    const text = el('textarea', {id: 'message-text', rows: 2, placeholder: 'Message the agent…', required: true});
    const mode = select({id: 'message-mode', title: 'Queue: the agent reads it at its next step. Interrupt: stop the current step and answer this now.'},
      [['queue', 'Queue'], ['interrupt', 'Interrupt']], 'queue');
    const send = el('button', {type: 'submit', id: 'send', dataset: {needsOpen: ''}}, 'Send');
    const form = el('form', {id: 'message-form', class: 'message-form', onsubmit: async e => {
      e.preventDefault();
      if (!text.value.trim()) return;
      send.disabled = true;
      const sent = await attempt(() => api('POST', `${path}/messages`, {text: text.value, mode: mode.value}));
      send.disabled = false;
      if (sent) text.value = '';
    }}, text, mode, send);
    const buttons = el('div', {class: 'buttons'},
      el('button', {type: 'button', id: 'cancel', dataset: {needsOpen: ''},
        onclick: () => attempt(() => api('POST', `${path}/cancel`))}, 'Cancel run'));
    if (canAdminister) {
      buttons.append(
        el('button', {type: 'button', id: 'close', dataset: {needsOpen: ''}, onclick: async () => {
          if (await confirmAction('Close this session? Its sandbox is removed; the log stays readable.', 'Close session')) {
            await attempt(() => api('POST', `${path}/close`));
          }
        }}, 'Close'),
        el('button', {type: 'button', id: 'destroy', class: 'danger', onclick: async () => {
          if (await confirmAction('Destroy this session? Its sandbox, its log and everything in it are deleted for good.', 'Destroy')) {
            if (await attempt(() => api('DELETE', path)) !== undefined) location.hash = '#/sessions';
          }
        }}, 'Destroy…'));
    }
    const config = el('div', {id: 'config', class: 'config'});
    replace(controls, form, buttons, config);
    attempt(async () => renderConfig(config, await api('GET', `${path}/config-options`)));
  }

  function renderConfig(node, options) {
    const change = (key, control) => control.addEventListener('change', async () => {
      const now = await attempt(() => api('PATCH', `${path}/config`, {[key]: control.value}));
      if (now) notify(`Configuration: model ${now.model}, mode ${now.mode}, thinking ${now.thinking} (from the next model call).`, 'good');
    });
    const model = select({id: 'config-model', dataset: {needsOpen: ''}}, options.models, options.current.model);
    const mode = select({id: 'config-mode', dataset: {needsOpen: ''}}, options.modes, options.current.mode);
    const thinking = select({id: 'config-thinking', dataset: {needsOpen: ''}}, options.thinking, options.current.thinking);
    change('model', model);
    change('mode', mode);
    change('thinking', thinking);
    replace(node, field('Model', model), field('Mode', mode), field('Thinking', thinking));
    if (session) showStatus(fold.status);
  }

  (async () => {
    try {
      session = await api('GET', path);
    } catch (e) {
      replace(main, el('h1', {}, 'Session ', el('code', {}, sessionId)), el('p', {id: 'page-error', class: 'problem'}, e.message));
      return;
    }
    fold = new SessionFold('pending');
    renderFacts();
    renderControls();
    showStatus(session.status);
    stream = new SessionStream(sessionId, clientToken, event => {
      if (typeof event.seq === 'number') {
        fold.apply(event);
        showStatus(fold.status);
        showCost();
      }
      timeline.add(event);
    }, (state, message) => {
      streamBadge.textContent = STATE_LABELS[state];
      streamBadge.className = `badge state-${state}`;
      if (message) notify(`The stream ended: ${message}`);
    });
    stream.start();
    ticker = setInterval(showCost, 1000);
  })();

  return {
    dispose() {
      if (stream) stream.close();
      clearInterval(ticker);
    },
  };
}
