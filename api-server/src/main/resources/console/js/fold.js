// What the console derives from a session's events as they arrive: its status (the same fold as
// SessionStatus on the server), the time its runs have taken and the tokens its model calls used.

const ENDS_RUN = new Set(['session.idle', 'run.cancelled', 'run.stuck', 'budget.exhausted', 'session.failed', 'session.closed']);

export class SessionFold {
  constructor(status) {
    this.status = status;
    this.runSince = null;
    this.runMillis = 0;
    this.inputTokens = 0;
    this.outputTokens = 0;
  }

  apply(event) {
    const at = Date.parse(event.time);
    if (event.type === 'run.started' || (event.type === 'runtime.restarted' && this.runSince === null)) {
      this.runSince = at;
    } else if (ENDS_RUN.has(event.type) && this.runSince !== null) {
      this.runMillis += Math.max(0, at - this.runSince);
      this.runSince = null;
    }
    if (event.type === 'agent.message' && event.data.usage) {
      this.inputTokens += event.data.usage.inputTokens || 0;
      this.outputTokens += event.data.usage.outputTokens || 0;
    }
    this.status = next(this.status, event.type);
  }

  runningSeconds(now = Date.now()) {
    return (this.runMillis + (this.runSince === null ? 0 : Math.max(0, now - this.runSince))) / 1000;
  }
}

function next(status, type) {
  if (status === 'closed') return status;
  switch (type) {
    case 'session.started': return 'pending';
    case 'user.message': return status === 'running' ? 'running' : 'pending';
    case 'run.started': return 'running';
    case 'session.idle': case 'run.cancelled': case 'run.stuck': return 'idle';
    case 'session.hibernated': return status === 'idle' || status === 'exhausted' ? 'hibernated' : status;
    case 'budget.exhausted': return 'exhausted';
    case 'session.budget_changed': return status === 'exhausted' ? 'idle' : status;
    case 'session.woke': return status === 'hibernated' ? 'idle' : status;
    case 'session.failed': return 'failed';
    case 'session.closed': return 'closed';
    default: return status;
  }
}
