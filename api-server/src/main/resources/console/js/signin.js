// Signing in with a tenant API key, checked against GET /v1/tenant before it is kept.

import {api, auth} from './api.js';
import {el, field, replace} from './dom.js';

export function signInPage(main, message, onSignedIn) {
  const key = el('input', {id: 'api-key', type: 'password', autocomplete: 'off', required: true, placeholder: 'oc_…', spellcheck: 'false'});
  const error = el('p', {id: 'signin-error', class: 'problem', hidden: !message}, message || '');
  const submit = el('button', {type: 'submit', id: 'signin'}, 'Sign in');
  replace(main, el('form', {id: 'signin-form', class: 'card signin', onsubmit: async e => {
    e.preventDefault();
    submit.disabled = true;
    auth.signIn(key.value.trim());
    try {
      const tenant = await api('GET', '/v1/tenant');
      onSignedIn(tenant);
    } catch (failure) {
      auth.signOut();
      error.textContent = failure.status === 401
        ? 'That API key was not accepted. Check it and try again.'
        : failure.message;
      error.hidden = false;
      submit.disabled = false;
    }
  }}, el('h1', {}, 'Sign in'),
  el('p', {class: 'muted'}, 'Use a tenant API key. It stays in this tab only and is forgotten when you sign out or close the tab.'),
  field('API key', key), error, submit));
  key.focus();
  return {dispose() {}};
}
