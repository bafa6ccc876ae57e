// Agents: the list, creating one, editing one (every save is a new version), deleting one.

import {api} from './api.js';
import {el, field, replace, select} from './dom.js';
import {time} from './format.js';
import {attempt, confirmAction, notify} from './notice.js';

function agentForm(agent, onSubmit, submitLabel) {
  const name = el('input', {id: 'agent-name', required: true, value: agent?.name ?? ''});
  const model = el('input', {id: 'agent-model', required: true, value: agent?.model ?? 'claude-sonnet-4-5'});
  const provider = select({id: 'agent-provider'}, [['', 'from the model name'], 'anthropic', 'openai'], agent?.provider ?? '');
  const credential = el('input', {id: 'agent-credential', placeholder: 'name of a secret', value: agent?.credential ?? ''});
  const prompt = el('textarea', {id: 'agent-prompt', rows: 5}, agent?.prompt ?? '');
  const submit = el('button', {type: 'submit', id: 'agent-save'}, submitLabel);
  return el('form', {id: 'agent-form', class: 'card', onsubmit: async e => {
    e.preventDefault();
    const body = {name: name.value, model: model.value, prompt: prompt.value};
    if (provider.value) body.provider = provider.value;
    body.credential = credential.value || (agent ? null : undefined);
    submit.disabled = true;
    await onSubmit(body);
    submit.disabled = false;
  }}, field('Name', name), field('Model', model), field('Provider', provider), field('Credential', credential),
  field('Prompt', prompt), submit);
}

export function agentsPage(main) {
  const body = el('tbody', {id: 'agents-rows'});
  replace(main, el('h1', {}, 'Agents'),
    el('table', {class: 'list', id: 'agents'},
      el('thead', {}, el('tr', {}, ['Name', 'Model', 'Provider', 'Version', 'Updated'].map(h => el('th', {}, h)))), body),
    el('h2', {}, 'New agent'),
    agentForm(null, async agent => {
      const created = await attempt(() => api('POST', '/v1/agents', agent));
      if (created) location.hash = `#/agents/${created.id}`;
    }, 'Create agent'));
  attempt(async () => {
    const agents = await api('GET', '/v1/agents?limit=200');
    replace(body, agents.data.length === 0 ? el('tr', {}, el('td', {colspan: 5, class: 'muted'}, 'No agents yet.'))
      : agents.data.map(a => el('tr', {dataset: {agent: a.id}},
        el('td', {}, el('a', {href: `#/agents/${a.id}`}, a.name)), el('td', {}, a.model), el('td', {}, a.provider),
        el('td', {}, String(a.version)), el('td', {}, time(a.updatedAt)))));
  });
  return {dispose() {}};
}

export function agentPage(main, agentId) {
  const path = `/v1/agents/${encodeURIComponent(agentId)}`;
  const render = async () => {
    const [agent, answer] = await Promise.all([api('GET', path), api('GET', `${path}/versions`)]);
    const versions = Array.isArray(answer) ? answer : answer.data;
    replace(main, el('h1', {}, 'Agent ', el('code', {}, agent.name)),
      el('p', {class: 'muted'}, `${agent.id} · version ${agent.version} · runtime ${agent.runtime}`),
      agentForm(agent, async changes => {
        const saved = await attempt(() => api('PATCH', path, changes));
        if (saved) {
          notify(`Saved as version ${saved.version}.`, 'good');
          await attempt(render);
        }
      }, 'Save as a new version'),
      el('h2', {}, 'Versions'),
      el('table', {class: 'list', id: 'versions'},
        el('thead', {}, el('tr', {}, ['Version', 'Name', 'Model', 'Created'].map(h => el('th', {}, h)))),
        el('tbody', {}, versions.map(v => el('tr', {}, el('td', {}, String(v.version)), el('td', {}, v.name),
          el('td', {}, v.model), el('td', {}, time(v.updatedAt || v.createdAt)))))),
      el('p', {}, el('button', {type: 'button', id: 'agent-delete', class: 'danger', onclick: async () => {
        if (await confirmAction(`Delete the agent ${agent.name}? Sessions that use it keep their version.`, 'Delete agent')) {
          if (await attempt(() => api('DELETE', path)) !== undefined) location.hash = '#/agents';
        }
      }}, 'Delete agent…')));
  };
  attempt(render);
  return {dispose() {}};
}
