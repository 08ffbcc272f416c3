// Sign in with an API key. The key is checked with GET /v1/me and kept in sessionStorage (this
// tab only); nothing is sent anywhere else.

import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { signIn } from './session.js';
import { problemText } from './ui.js';

/**
 * @param {HTMLElement} main
 * @param {{ onSignedIn: () => void }} options
 * @returns {import('./ui.js').View}
 */
export function loginView(main, options) {
  /** @type {string | null} */
  let error = null;
  let busy = false;
  let typed = '';

  function render() {
    const input = h('input', { id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'api-key-help', value: typed });
    input.addEventListener('input', () => {
      typed = /** @type {HTMLInputElement} */ (input).value;
    });
    const form = h(
      'form',
      {
        class: 'login-form card',
        onSubmit: async (/** @type {SubmitEvent} */ e) => {
          e.preventDefault();
          if (busy) return;
          busy = true;
          error = null;
          render();
          try {
            await signIn(typed);
            typed = '';
            options.onSignedIn();
            return;
          } catch (err) {
            error = problemText(err);
          }
          busy = false;
          render();
          const again = main.querySelector('#api-key');
          if (again instanceof HTMLElement) again.focus();
        },
      },
      h('h1', { tabindex: '-1' }, t('signIn')),
      h('label', { for: 'api-key' }, t('apiKey')),
      input,
      h('p', { id: 'api-key-help', class: 'note' }, t('apiKeyHelp')),
      error ? h('p', { class: 'error-text', role: 'alert' }, error) : null,
      h('button', { type: 'submit', class: 'button button-primary', disabled: busy }, t('signIn')),
    );
    replace(main, form);
  }

  render();
  return { render };
}
