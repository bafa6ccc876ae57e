// The one place failures are shown: a sentence at the top of the page.

import {ApiError} from './api.js';
import {el, replace} from './dom.js';

export function notify(message, tone = 'bad') {
  const node = document.getElementById('notice');
  replace(node, el('span', {}, message), el('button', {type: 'button', class: 'link', onclick: clear}, 'Dismiss'));
  node.className = tone;
  node.hidden = false;
}

export function clear() {
  const node = document.getElementById('notice');
  node.hidden = true;
  node.replaceChildren();
}

/** Runs an action and shows its failure as a sentence; resolves to its result, or undefined on failure. */
export async function attempt(action) {
  try {
    return await action();
  } catch (e) {
    if (e instanceof ApiError) {
      if (e.status !== 401) notify(e.message);
    } else {
      console.error(e);
      notify('Something went wrong in the console. Reload the page and try again.');
    }
    return undefined;
  }
}

/** A modal confirmation (no window.confirm): resolves to true when the user confirms. */
export function confirmAction(question, confirmLabel) {
  return new Promise(resolve => {
    const dialog = el('dialog', {class: 'confirm'});
    const done = answer => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(el('p', {}, question), el('div', {class: 'buttons'},
      el('button', {type: 'button', onclick: () => done(false)}, 'Keep it'),
      el('button', {type: 'button', class: 'danger', id: 'confirm-yes', onclick: () => done(true)}, confirmLabel)));
    dialog.addEventListener('cancel', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}
