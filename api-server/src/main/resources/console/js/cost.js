// Cost at a glance: the tenant's usage per day (one GET /v1/usage per day, drawn as inline SVG)
// and the sessions that used the most in the last 30 days.

import {api} from './api.js';
import {el, replace, svg} from './dom.js';
import {count, duration} from './format.js';
import {attempt} from './notice.js';

const DAYS = 14;
const DAY_MS = 24 * 3600 * 1000;

function dayStarts(now) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({length: DAYS}, (_, i) => new Date(today - (DAYS - 1 - i) * DAY_MS));
}

/** A bar chart: one bar per day, its value in a <title> for hovering. */
export function barChart(id, title, days, values, label) {
  const width = 640, height = 160, top = 20, bottom = 24, left = 8, right = 8;
  const max = Math.max(1, ...values);
  const slot = (width - left - right) / values.length;
  const chart = svg('svg', {id, class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title});
  chart.append(svg('text', {x: left, y: 14, class: 'chart-title'}, `${title} (max ${label(max)})`));
  values.forEach((value, i) => {
    const h = Math.round((height - top - bottom) * value / max);
    const x = left + i * slot + 2;
    const bar = svg('rect', {x, y: height - bottom - h, width: Math.max(1, slot - 4), height: Math.max(h, value > 0 ? 1 : 0), class: 'bar'},
      svg('title', {}, `${days[i].toISOString().slice(0, 10)}: ${label(value)}`));
    chart.append(bar);
    if ((values.length - 1 - i) % 2 === 0 || values.length <= 7) {
      chart.append(svg('text', {x: x + slot / 2 - 2, y: height - 8, class: 'axis', 'text-anchor': 'middle'},
        days[i].toISOString().slice(5, 10)));
    }
  });
  chart.append(svg('line', {x1: left, x2: width - right, y1: height - bottom, y2: height - bottom, class: 'baseline'}));
  return chart;
}

export function costPage(main) {
  const charts = el('div', {class: 'charts'}, el('p', {class: 'muted'}, 'Loading usage…'));
  const totals = el('p', {id: 'usage-totals'});
  const top = el('tbody', {});
  replace(main, el('h1', {}, 'Cost'), totals, charts,
    el('h2', {}, 'Sessions, last 30 days'),
    el('table', {class: 'list', id: 'usage-sessions'},
      el('thead', {}, el('tr', {}, ['Session', 'Running time', 'Model calls', 'Input tokens', 'Output tokens'].map(h => el('th', {}, h)))), top));
  attempt(async () => {
    const now = new Date();
    const days = dayStarts(now);
    const [month, ...perDay] = await Promise.all([api('GET', '/v1/usage'),
      ...days.map(d => api('GET', `/v1/usage?from=${encodeURIComponent(d.toISOString())}&to=${encodeURIComponent(new Date(Math.min(d.getTime() + DAY_MS, now.getTime())).toISOString())}`))]);
    const t = month.total;
    totals.textContent = `Last 30 days: running time ${duration(t.runningSeconds)}, ${count(t.modelCalls)} model calls, ` +
      `${count(t.inputTokens)} input and ${count(t.outputTokens)} output tokens.`;
    replace(charts,
      barChart('chart-tokens', 'Tokens per day (UTC)', days, perDay.map(u => (u.total.inputTokens || 0) + (u.total.outputTokens || 0)), count),
      barChart('chart-running', 'Running time per day (UTC)', days, perDay.map(u => u.total.runningSeconds || 0), duration));
    const sessions = [...month.sessions].sort((a, b) => (b.inputTokens + b.outputTokens) - (a.inputTokens + a.outputTokens)).slice(0, 20);
    replace(top, sessions.length === 0 ? el('tr', {}, el('td', {colspan: 5, class: 'muted'}, 'No usage yet.'))
      : sessions.map(s => el('tr', {}, el('td', {}, el('a', {href: `#/sessions/${s.sessionId}`}, s.sessionId)),
        el('td', {}, duration(s.runningSeconds)), el('td', {}, count(s.modelCalls)),
        el('td', {}, count(s.inputTokens)), el('td', {}, count(s.outputTokens)))));
  });
  return {dispose() {}};
}
