// A session's SSE stream with EventSource. The browser reconnects on its own with Last-Event-ID;
// when it gives up (the server ended the stream, or refused a reconnection, e.g. an expired
// token) this reopens it with a fresh token and ?after= the last seq it delivered. Stored events
// at or below that seq are dropped, so a reconnection never shows a row twice.

import {api} from './api.js';

// EventSource dispatches named events only to listeners of that name: every type we show.
export const EVENT_TYPES = [
  'session.started', 'user.message', 'run.started', 'agent.message', 'tool.call', 'tool.result',
  'command.run', 'command.exited', 'file.write', 'runtime.crashed', 'runtime.restarted', 'session.idle',
  'session.hibernated', 'session.woke', 'run.cancelled', 'run.stuck', 'session.failed', 'session.closed',
  'webhook.sent', 'session.config_changed', 'pull_request.opened', 'permission.requested', 'permission.answered', 'permission.expired',
  'client_tool.called',
  'budget.warning', 'budget.exhausted', 'session.budget_changed', 'network.request', 'sandbox.disk_exceeded',
  'agent.delta', 'agent.thinking_delta', 'command.output',
];

export class SessionStream {
  /**
   * @param sessionId   the session
   * @param tokenSource async () => a client token for it
   * @param onEvent     (event) => void, for every new stored event (in seq order) and every ephemeral one
   * @param onState     (state, sentence?) => void: 'connecting' | 'live' | 'reconnecting' | 'ended'
   */
  constructor(sessionId, tokenSource, onEvent, onState) {
    this.sessionId = sessionId;
    this.tokenSource = tokenSource;
    this.onEvent = onEvent;
    this.onState = onState;
    this.lastSeq = 0;
    this.source = null;
    this.closed = false;
    this.failures = 0;
    this.timer = null;
  }

  async start() {
    this.onState('connecting');
    await this.open();
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
  }

  async open() {
    if (this.closed) return;
    let token;
    try {
      token = await this.tokenSource();
    } catch (e) {
      return this.giveUpOrRetry(e);
    }
    const after = this.lastSeq > 0 ? `&after=${this.lastSeq}` : '';
    const source = new EventSource(
      `/v1/sessions/${encodeURIComponent(this.sessionId)}/stream?token=${encodeURIComponent(token)}${after}`);
    this.source = source;
    source.onopen = () => {
      this.failures = 0;
      this.onState('live');
    };
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, message => this.deliver(message));
    }
    source.addEventListener('error', message => {
      if (this.closed || source !== this.source) return;
      if (message instanceof MessageEvent && message.data) {
        // the server ended the stream with a problem: reconnect from where we are
        source.close();
        this.retrySoon();
      } else if (source.readyState === EventSource.CONNECTING) {
        this.onState('reconnecting');
      } else {
        this.retrySoon();
      }
    });
  }

  deliver(message) {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    if (typeof event.seq === 'number') {
      if (event.seq <= this.lastSeq) return;
      this.lastSeq = event.seq;
    }
    this.onEvent(event);
  }

  retrySoon() {
    if (this.closed) return;
    if (this.source) this.source.close();
    this.onState('reconnecting');
    this.failures += 1;
    const delay = Math.min(15000, 1000 * 2 ** Math.min(this.failures - 1, 4));
    this.timer = setTimeout(() => this.probeThenOpen(), delay);
  }

  // Before opening again, ask for the session: a 4xx there (gone, forbidden, token expired) ends the stream
  // with that sentence instead of retrying forever.
  async probeThenOpen() {
    if (this.closed) return;
    try {
      await api('GET', `/v1/sessions/${encodeURIComponent(this.sessionId)}`);
    } catch (e) {
      return this.giveUpOrRetry(e);
    }
    await this.open();
  }

  giveUpOrRetry(error) {
    if (error.status >= 400 && error.status < 500) {
      this.closed = true;
      if (this.source) this.source.close();
      this.onState('ended', error.message);
    } else {
      this.retrySoon();
    }
  }
}
