// The session timeline: one row per thing that happened, built from the stream's events. Every
// stored event puts exactly one element with data-seq on the page (tool calls fold their start and
// end into one row, each as an entry carrying its seq); ephemeral events only update what is there.

import {el, replace} from './dom.js';
import {bytes, clock, count} from './format.js';

const SYSTEM = {
  'session.started': e => `Session started (agent version ${e.data.agentVersion ?? '?'}, model ${e.data.model ?? '?'})`,
  'run.started': () => 'Run started',
  'session.idle': () => 'Idle — waiting for a message',
  'session.hibernated': () => 'Hibernated — sandbox stopped, workspace kept',
  'session.woke': () => 'Woke — sandbox started again',
  'run.cancelled': e => `Cancelled${e.data.reason ? `: ${e.data.reason}` : ''}`,
  'run.stuck': e => `Stuck (${e.data.reason ?? 'unknown'})${e.data.detail ? `: ${e.data.detail}` : ''}`,
  'session.failed': e => `Failed (${e.data.reason ?? 'unknown'})${e.data.message ? `: ${e.data.message}` : ''}`,
  'session.closed': () => 'Closed',
  'runtime.crashed': e => `Sandbox crashed: ${e.data.reason ?? 'unknown'}${e.data.exitCode !== undefined ? ` (exit ${e.data.exitCode})` : ''}`,
  'runtime.restarted': e => `Runtime restarted, resuming after event #${e.data.resumedFromSeq ?? '?'}`,
  'session.config_changed': e => `Configuration changed: ${Object.entries(e.data).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  'webhook.sent': e => `Webhook sent for #${e.data.eventSeq ?? '?'} ${e.data.eventType ?? ''} (status ${e.data.statusCode ?? '?'}, attempt ${e.data.attempt ?? 1})`,
  'pull_request.opened': e => `Pull request #${e.data.number ?? '?'} opened on ${e.data.repository ?? ''} from ${e.data.branch ?? ''}: ${e.data.url ?? ''}`,
  'budget.warning': e => `Budget warning: ${e.data.kind ?? ''} ${e.data.used ?? ''} of ${e.data.limit ?? ''}`,
  'budget.exhausted': e => `Budget exhausted: ${e.data.kind ?? ''} ${e.data.used ?? ''} of ${e.data.limit ?? ''}`,
  'session.budget_changed': e => `Budget set: ${Object.entries(e.data).map(([k, v]) => `${k} ${v}`).join(', ') || 'the agent\'s'}`,
  'permission.expired': e => `Permission request ${e.data.requestId ?? ''} expired`,
  'mcp.connected': e => `MCP server ${e.data.name ?? ''} connected: ${(e.data.tools ?? []).length} tools`,
  'mcp.server_failed': e => `MCP server ${e.data.name ?? ''} failed: ${e.data.reason ?? ''}`,
  'client_tool.called': e => `Waiting for the backend: ${e.data.name ?? ''} ${JSON.stringify(e.data.input ?? {})}`,
  'network.request': e => e.data.allowed
    ? `Network: ${e.data.method ?? ''} ${e.data.host ?? ''}:${e.data.port ?? ''} (${e.data.bytesOut ?? 0} B out, ${e.data.bytesIn ?? 0} B in, ${e.data.durationMs ?? 0} ms)${e.data.reason ? ` — ${e.data.reason}` : ''}`
    : `Network refused: ${e.data.method ?? ''} ${e.data.host ?? ''}:${e.data.port ?? ''} — ${e.data.reason ?? ''}`,
  'sandbox.disk_exceeded': e => `Disk quota exceeded: ${bytes(e.data.usedBytes ?? 0)} written of ${bytes(e.data.limitBytes ?? 0)}; the command was killed`,
};

const TONE = {
  'runtime.crashed': 'bad', 'session.failed': 'bad', 'mcp.server_failed': 'warn', 'run.stuck': 'bad', 'budget.exhausted': 'bad',
  'sandbox.disk_exceeded': 'bad',
  'runtime.restarted': 'warn', 'run.cancelled': 'warn', 'budget.warning': 'warn',
  'network.request': e => (e.data.allowed ? 'calm' : 'warn'),
  'session.hibernated': 'calm', 'session.woke': 'calm', 'session.idle': 'calm', 'session.closed': 'calm',
};

export class Timeline {
  /**
   * @param actions {openFile?: (path) => void, answerPermission?: (requestId, decision) => Promise}
   */
  constructor(actions) {
    this.actions = actions;
    this.node = el('div', {id: 'timeline', class: 'timeline', 'aria-live': 'polite'});
    this.calls = new Map();
    // command output that arrived before its command.run (ephemeral events may overtake stored ones):
    // kept per call id, bounded, and shown once the row exists
    this.early = new Map();
    this.permissions = new Map();
    this.typing = null;
  }

  add(event) {
    const nearBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
    this.render(event);
    if (nearBottom) window.scrollTo(0, document.body.scrollHeight);
  }

  render(event) {
    const data = event.data || {};
    switch (event.type) {
      case 'agent.delta': return this.delta('text', data.text);
      case 'agent.thinking_delta': return this.delta('thinking', data.text);
      case 'command.output': return this.output(data);
      case 'user.message': return this.append(this.row(event, 'user', el('div', {class: 'who'}, 'User'),
        el('div', {class: 'text'}, data.text ?? '')));
      case 'agent.message': return this.message(event);
      case 'command.run': return this.commandRun(event);
      case 'command.exited': return this.commandExited(event);
      case 'tool.call': return this.toolCall(event);
      case 'tool.result': return this.toolResult(event);
      case 'file.write': return this.fileWrite(event);
      case 'permission.requested': return this.permissionRequested(event);
      case 'permission.answered': return this.permissionAnswered(event);
      default: {
        const describe = SYSTEM[event.type];
        if (describe) {
          return this.append(this.row(event, `system ${(typeof TONE[event.type] === 'function'
            ? TONE[event.type](event) : TONE[event.type]) || ''}`, el('div', {class: 'text'}, describe(event))));
        }
        return this.append(this.row(event, 'system unknown', el('div', {class: 'text'}, event.type),
          el('details', {}, el('summary', {}, 'data'), el('pre', {}, JSON.stringify(data, null, 2)))));
      }
    }
  }

  row(event, kind, ...children) {
    return el('div', {class: `row ${kind}`, dataset: {seq: event.seq, type: event.type}},
      el('span', {class: 'when', title: event.time || ''}, `#${event.seq} ${clock(event.time)}`),
      el('div', {class: 'body'}, ...children));
  }

  append(node) {
    if (this.typing) this.node.insertBefore(node, this.typing.root);
    else this.node.append(node);
    return node;
  }

  delta(kind, text) {
    if (!text) return;
    if (!this.typing) {
      const thinking = el('div', {class: 'thinking', hidden: true});
      const body = el('span', {class: 'text'});
      const root = el('div', {class: 'row agent typing', dataset: {type: 'agent.delta'}},
        el('span', {class: 'when'}, 'typing'),
        el('div', {class: 'body'}, el('div', {class: 'who'}, 'Agent'), thinking, el('div', {}, body, el('span', {class: 'caret'}))));
      this.typing = {root, body, thinking};
      this.node.append(root);
    }
    const target = kind === 'thinking' ? this.typing.thinking : this.typing.body;
    target.hidden = false;
    target.append(document.createTextNode(text));
  }

  message(event) {
    if (this.typing) {
      this.typing.root.remove();
      this.typing = null;
    }
    const data = event.data;
    const parts = [el('div', {class: 'who'}, 'Agent')];
    const calls = [];
    for (const block of data.content || []) {
      if (block.type === 'text' && block.text) parts.push(el('div', {class: 'text'}, block.text));
      else if (block.type === 'thinking') parts.push(el('details', {class: 'thinking'}, el('summary', {}, 'Thinking'), el('div', {class: 'text'}, block.thinking || '')));
      else if (block.type === 'tool_use') calls.push(block);
    }
    if (parts.length === 1 && calls.length > 0) {
      parts.push(el('div', {class: 'muted'}, calls.length === 1 ? 'Calls a tool:' : `Calls ${calls.length} tools:`));
    }
    if (data.usage) {
      parts.push(el('div', {class: 'usage'}, `${count(data.usage.inputTokens)} in · ${count(data.usage.outputTokens)} out tokens · ${data.model || ''}`));
    }
    this.append(this.row(event, 'agent', ...parts));
    for (const call of calls) this.callRow(call.id, call.name, call.input);
  }

  /** The folded row of one tool call: what was called, its live output, its result. */
  callRow(callId, name, input) {
    let call = this.calls.get(callId);
    if (call) return call;
    const isCommand = name === 'bash';
    const status = el('span', {class: 'status running'}, 'pending');
    const title = isCommand ? el('code', {class: 'command'}, (input && input.command) || '')
      : el('span', {class: 'tool-name'}, name || 'tool', input && input.path ? el('code', {class: 'muted'}, ` ${input.path}`) : '');
    const summary = el('summary', {}, el('span', {class: 'kind'}, isCommand ? '$' : 'Tool'), title, status);
    const output = el('pre', {class: 'output', hidden: !isCommand});
    const inputView = isCommand ? null : el('pre', {class: 'input'}, JSON.stringify(input ?? {}, null, 2));
    const entries = el('div', {class: 'entries'});
    const root = el('details', {class: `row tool ${isCommand ? 'command' : ''}`, open: isCommand, dataset: {call: callId}},
      summary, inputView, output, entries);
    call = {root, status, output, entries, title, isCommand};
    this.calls.set(callId, call);
    this.append(root);
    for (const data of this.early.get(callId) ?? []) this.show(call, data);
    this.early.delete(callId);
    return call;
  }

  entry(call, event, text) {
    call.entries.append(el('div', {class: 'entry', dataset: {seq: event.seq, type: event.type}}, `#${event.seq} ${clock(event.time)} ${text}`));
  }

  commandRun(event) {
    const call = this.callRow(event.data.callId, 'bash', {command: event.data.command});
    call.title.textContent = event.data.command || '';
    call.status.textContent = 'running';
    this.entry(call, event, `started${event.data.cwd ? ` in ${event.data.cwd}` : ''}`);
  }

  output(data) {
    const call = this.calls.get(data.callId);
    if (call) return this.show(call, data);
    if (!data.callId) return;
    const early = this.early.get(data.callId) ?? [];
    if (early.length < 200) early.push(data);
    this.early.set(data.callId, early);
    if (this.early.size > 50) this.early.delete(this.early.keys().next().value);
  }

  show(call, data) {
    call.output.append(el('span', {class: data.stream === 'stderr' ? 'stderr' : 'stdout'}, data.text || ''));
  }

  commandExited(event) {
    const data = event.data;
    const call = this.callRow(data.callId, 'bash', {});
    // the stored tail replaces what streamed live (which a reconnection may have cut short)
    replace(call.output, data.output ?? '');
    if (data.outputTruncated) call.output.prepend(el('span', {class: 'muted'}, '… (earlier output truncated)\n'));
    call.status.textContent = `exit ${data.exitCode}`;
    call.status.className = `status ${data.exitCode === 0 ? 'ok' : 'bad'}`;
    this.entry(call, event, `exited ${data.exitCode}${data.durationMs !== undefined ? ` after ${data.durationMs} ms` : ''}`);
  }

  toolCall(event) {
    const call = this.callRow(event.data.callId, event.data.name, event.data.input);
    call.status.textContent = 'running';
    this.entry(call, event, `${event.data.name} started`);
  }

  toolResult(event) {
    const data = event.data;
    const call = this.callRow(data.callId, data.name, null);
    call.output.hidden = false;
    replace(call.output, typeof data.output === 'string' ? data.output : JSON.stringify(data.output ?? '', null, 2));
    call.status.textContent = data.error ? 'error' : 'done';
    call.status.className = `status ${data.error ? 'bad' : 'ok'}`;
    this.entry(call, event, data.error ? 'failed' : 'finished');
  }

  fileWrite(event) {
    const data = event.data;
    const label = `${data.path ?? '?'}`;
    const open = this.actions.openFile;
    const target = open
      ? el('button', {class: 'link file', type: 'button', title: 'Show this file', onclick: () => open(data.path)}, label)
      : el('code', {class: 'file'}, label);
    this.append(this.row(event, 'file', el('span', {class: 'kind'}, 'Wrote'), target, el('span', {class: 'muted'}, ` ${bytes(data.bytes)}`)));
  }

  permissionRequested(event) {
    const data = event.data;
    const buttons = el('span', {class: 'buttons'});
    const state = el('span', {class: 'status running'}, 'waiting for approval');
    const answer = this.actions.answerPermission;
    if (answer) {
      for (const decision of ['allow', 'deny']) {
        buttons.append(el('button', {type: 'button', class: decision === 'deny' ? 'danger' : '',
          onclick: async () => {
            buttons.querySelectorAll('button').forEach(b => { b.disabled = true; });
            try { await answer(data.requestId, decision); } catch (e) { buttons.querySelectorAll('button').forEach(b => { b.disabled = false; }); }
          }}, decision === 'allow' ? 'Approve' : 'Deny'));
      }
    }
    this.permissions.set(data.requestId, {state, buttons});
    this.append(this.row(event, 'permission', el('span', {class: 'kind'}, 'Permission'),
      el('code', {}, data.tool || ''), state, buttons,
      el('pre', {class: 'input'}, JSON.stringify(data.input ?? {}, null, 2))));
  }

  permissionAnswered(event) {
    const data = event.data;
    const request = this.permissions.get(data.requestId);
    if (request) {
      request.state.textContent = data.decision === 'allow' ? 'approved' : 'denied';
      request.state.className = `status ${data.decision === 'allow' ? 'ok' : 'bad'}`;
      request.buttons.remove();
    }
    this.append(this.row(event, 'system calm', el('div', {class: 'text'},
      `Permission ${data.requestId ?? ''} ${data.decision ?? ''}${data.by ? ` by ${data.by}` : ''}${data.message ? `: ${data.message}` : ''}`)));
  }
}
