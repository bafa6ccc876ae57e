// The public API, with the one credential this tab holds: an API key (kept in sessionStorage until
// sign-out) or a watch link's client token (kept in memory only). Every failure becomes an
// ApiError whose message is a readable sentence built from the problem details.

const STORAGE_KEY = 'opencomputer.apiKey';
let credential = null;

export const auth = {
  /** Restores the API key of this tab, if it signed in before. */
  restore() {
    const key = sessionStorage.getItem(STORAGE_KEY);
    credential = key ? {kind: 'key', value: key} : null;
    return credential !== null;
  },
  signIn(key) {
    sessionStorage.setItem(STORAGE_KEY, key);
    credential = {kind: 'key', value: key};
  },
  signOut() {
    sessionStorage.removeItem(STORAGE_KEY);
    credential = null;
  },
  /** Watch links: a client token for one session, never stored. */
  useClientToken(token) {
    credential = {kind: 'token', value: token};
  },
  hasApiKey() {
    return credential?.kind === 'key';
  },
  clientToken() {
    return credential?.kind === 'token' ? credential.value : null;
  },
};

/** A failed request: `message` is a sentence for the user, `problem` the problem details if any. */
export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

/** A sentence from RFC 9457 problem details, e.g. "Validation failed: name: must not be blank." */
export function sentence(problem, status) {
  if (!problem || typeof problem !== 'object') {
    return `The server answered ${status} without an explanation.`;
  }
  const title = problem.title || `Error ${status}`;
  let text = problem.detail && problem.detail !== title ? `${title}: ${problem.detail}` : title;
  if (Array.isArray(problem.errors) && problem.errors.length > 0) {
    const fields = problem.errors.map(e => e.field ? `${e.field} ${e.message}` : e.message).join('; ');
    text = `${text} (${fields})`;
  }
  return /[.!?)]$/.test(text) ? text : `${text}.`;
}

export function randomKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Calls the API. `body` is sent as JSON; POSTs that create something get an Idempotency-Key.
 * Resolves to the parsed JSON (or null for 204, or the text when `as: 'text'`).
 * A 401 also fires `oc:unauthorized` on window, so the app can send the user back to sign-in.
 */
export async function api(method, path, body, options = {}) {
  const headers = {Accept: 'application/json'};
  if (credential) headers.Authorization = `Bearer ${credential.value}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method === 'POST') headers['Idempotency-Key'] = options.idempotencyKey || randomKey();
  let response;
  try {
    response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit'});
  } catch (e) {
    throw new ApiError(0, 'Could not reach the server. Check the connection and try again.', null);
  }
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch (e) {
      // not JSON: say what we know
    }
    const error = new ApiError(response.status, sentence(problem, response.status), problem);
    if (response.status === 401) {
      window.dispatchEvent(new CustomEvent('oc:unauthorized', {detail: error.message}));
    }
    throw error;
  }
  if (response.status === 204) return null;
  if (options.as === 'text') return response.text();
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

/** Whether an endpoint exists on this server (a 404 on a list means the feature is absent). */
export async function exists(path) {
  try {
    await api('GET', path);
    return true;
  } catch (e) {
    return e.status !== 404 && e.status !== 405 && e.status !== 0;
  }
}
