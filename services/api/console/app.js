// The console shell: sign-in, city picker, language toggle, navigation and the hash router.
// Routes: #/login, #/c/{city}, #/c/{city}/station/{device}?range=, #/c/{city}/alerts[/{alert}],
// #/c/{city}/assessment. The server also serves the page at /alerts/{alert} (the link in alert
// notifications); that path is turned into the matching route after sign-in.

import { ApiProblem, getJson, onUnauthorized } from './api.js';
import { LiveAlerts } from './alerts-live.js';
import { h, replace } from './dom.js';
import { lang, onLangChange, setLang, t } from './i18n.js';
import { placeName, ruleName } from './labels.js';
import { currentPrincipal, resume, signOut } from './session.js';
import { errorBlock, loading } from './ui.js';
import { alertsView } from './view-alerts.js';
import { assessmentView } from './view-assessment.js';
import { loginView } from './view-login.js';
import { overviewView } from './view-overview.js';
import { stationView } from './view-station.js';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const header = /** @type {HTMLElement} */ (document.getElementById('topbar'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const liveRegion = /** @type {HTMLElement} */ (document.getElementById('live-region'));

/** @type {Array<{ id: string, name: string, nameTh: string | null }>} */
let cities = [];
/** @type {LiveAlerts | null} */
let live = null;
/** @type {import('./ui.js').View | null} */
let view = null;
/** @type {string | null} the route to open after sign-in */
let afterSignIn = null;
/** @type {string | null} an alert id from a /alerts/{id} link */
let deepLinkAlert = null;
let currentRoute = { name: 'none', city: '' };

/** @param {string} hash */
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

/** @param {string} text */
function announce(text) {
  const line = h('p', null, text);
  liveRegion.append(line);
  while (liveRegion.childElementCount > 5) liveRegion.firstElementChild?.remove();
}

/** @param {string} hash */
function parse(hash) {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(search);
  if (parts[0] === 'login') return { name: 'login', city: '', params: {}, query };
  if (parts[0] !== 'c' || !parts[1]) return { name: 'home', city: '', params: {}, query };
  const city = parts[1];
  if (parts[2] === 'station' && parts[3]) return { name: 'station', city, params: { device: parts[3] }, query };
  if (parts[2] === 'alerts') return { name: 'alerts', city, params: parts[3] ? { alert: parts[3] } : {}, query };
  if (parts[2] === 'assessment') return { name: 'assessment', city, params: {}, query };
  return { name: 'overview', city, params: {}, query };
}

function cityOf(/** @type {string} */ id) {
  return cities.find((c) => c.id === id) ?? null;
}

function cityName(/** @type {string} */ id) {
  const city = cityOf(id);
  return city ? placeName(city) : id;
}

function renderHeader() {
  const principal = currentPrincipal();
  const langButton = h(
    'button',
    { type: 'button', id: 'lang-toggle', class: 'button button-quiet', lang: lang() === 'en' ? 'th' : 'en', 'aria-label': t('languageHint'), onClick: () => setLang(lang() === 'en' ? 'th' : 'en') },
    t('language'),
  );
  const picker =
    principal && cities.length > 0 && currentRoute.city
      ? h(
          'div',
          { class: 'city-picker' },
          h('label', { for: 'city-select' }, t('city')),
          h(
            'select',
            {
              id: 'city-select',
              onChange: (/** @type {Event} */ e) => {
                const next = /** @type {HTMLSelectElement} */ (e.target).value;
                const sub = currentRoute.name === 'alerts' || currentRoute.name === 'assessment' ? `/${currentRoute.name}` : '';
                go(`#/c/${encodeURIComponent(next)}${sub}`);
              },
            },
            cities.map((c) => h('option', { value: c.id, selected: c.id === currentRoute.city }, placeName(c))),
          ),
        )
      : null;
  const session = principal
    ? h(
        'div',
        { class: 'session' },
        h('span', { class: 'who' }, `${t('signedInAs')} ${principal.name} · `, h('span', { class: 'role', 'data-role': principal.role }, t(`role_${principal.role}`))),
        h(
          'button',
          {
            type: 'button',
            class: 'button button-quiet',
            onClick: () => {
              signOut();
              stopLive();
              go('#/login');
            },
          },
          t('signOut'),
        ),
      )
    : null;
  replace(header, h('a', { class: 'brand', href: '#/' }, t('appName')), picker, langButton, session);
}

function renderNav() {
  if (!currentPrincipal() || !currentRoute.city) {
    replace(nav);
    nav.hidden = true;
    return;
  }
  nav.hidden = false;
  nav.setAttribute('aria-label', t('mainNav'));
  const base = `#/c/${encodeURIComponent(currentRoute.city)}`;
  const count = live?.unacknowledgedCount() ?? 0;
  /** @param {string} name @param {string} href @param {string} label @param {Node | null} [extra] */
  const item = (name, href, label, extra = null) =>
    h('li', null, h('a', { href, 'aria-current': currentRoute.name === name || (name === 'overview' && currentRoute.name === 'station') ? 'page' : undefined }, label, extra));
  replace(
    nav,
    h(
      'ul',
      null,
      item('overview', base, t('navOverview')),
      item('alerts', `${base}/alerts`, t('navAlerts'), count > 0 ? h('span', { class: 'count-badge', 'aria-label': `(${count})` }, String(count)) : null),
      item('assessment', `${base}/assessment`, t('navAssessment')),
    ),
  );
}

function stopLive() {
  live?.stop();
  live = null;
}

/** @param {string} city */
function ensureLive(city) {
  if (live && live.city === city) return live;
  stopLive();
  const next = new LiveAlerts(city);
  next.subscribe((change) => {
    renderNav();
    if (!change) return;
    const where = change.alert.siteId ? siteLabel(change.alert.siteId) : change.alert.deviceId ?? '';
    const vars = { rule: ruleName(change.alert.ruleId), where };
    if (change.change === 'raised') announce(t('newAlert', vars));
    else if (change.change === 'cleared') announce(t('alertCleared', vars));
    else if (change.change === 'acknowledged') announce(t('alertAcknowledged', vars));
  });
  live = next;
  next.start();
  void loadSiteNames(city);
  return next;
}

/** @type {Map<string, { name: string, nameTh: string | null }>} */
let siteNames = new Map();
/** @param {string} city */
async function loadSiteNames(city) {
  try {
    const body = await getJson(`/v1/cities/${encodeURIComponent(city)}/sites`);
    siteNames = new Map(body.sites.map((/** @type {any} */ s) => [s.id, s]));
  } catch {
    siteNames = new Map();
  }
}
/** @param {string} id */
function siteLabel(id) {
  return placeName(siteNames.get(id)) || id;
}

/** find the city of an alert from a notification link */
/** @param {string} alertId */
async function cityOfAlert(alertId) {
  const principal = currentPrincipal();
  const candidates = principal?.cityId ? [principal.cityId] : cities.map((c) => c.id);
  for (const city of candidates) {
    try {
      await getJson(`/v1/cities/${encodeURIComponent(city)}/alerts/${encodeURIComponent(alertId)}`);
      return city;
    } catch (err) {
      if (!(err instanceof ApiProblem) || err.status !== 404) throw err;
    }
  }
  return candidates[0] ?? null;
}

/** true once a view was shown: later views take the focus (to their heading), the first leaves it at the start of the page */
let shownOnce = false;

function mountView(/** @type {() => import('./ui.js').View} */ make) {
  view?.destroy?.();
  view = make();
  const heading = main.querySelector('h1');
  if (shownOnce && heading instanceof HTMLElement) heading.focus({ preventScroll: true });
  shownOnce = true;
}

async function route() {
  const r = parse(location.hash);
  const principal = currentPrincipal();
  if (!principal) {
    if (r.name !== 'login' && r.name !== 'home') afterSignIn = location.hash;
    currentRoute = { name: 'login', city: '' };
    stopLive();
    renderHeader();
    renderNav();
    if (r.name !== 'login') history.replaceState(null, '', '#/login');
    mountView(() => loginView(main, { onSignedIn }));
    return;
  }
  if (deepLinkAlert) {
    const alertId = deepLinkAlert;
    deepLinkAlert = null;
    replace(main, loading());
    try {
      const city = await cityOfAlert(alertId);
      if (city) return go(`#/c/${encodeURIComponent(city)}/alerts/${encodeURIComponent(alertId)}`);
    } catch (err) {
      replace(main, errorBlock(err, () => void route()));
      return;
    }
  }
  if (r.name === 'home' || r.name === 'login' || !cityOf(r.city)) {
    const fallback = principal.cityId ?? cities[0]?.id;
    if (!fallback) {
      renderHeader();
      renderNav();
      replace(main, h('p', { role: 'alert' }, t('noCities')));
      return;
    }
    history.replaceState(null, '', `#/c/${encodeURIComponent(fallback)}`);
    return route();
  }
  currentRoute = { name: r.name, city: r.city };
  const liveAlerts = ensureLive(r.city);
  renderHeader();
  renderNav();
  /** @type {import('./ui.js').ViewContext} */
  const ctx = { city: r.city, cityName: () => cityName(r.city), params: r.params, query: r.query, live: liveAlerts, announce, go };
  if (r.name === 'station') mountView(() => stationView(main, ctx));
  else if (r.name === 'alerts') mountView(() => alertsView(main, ctx));
  else if (r.name === 'assessment') mountView(() => assessmentView(main, ctx));
  else mountView(() => overviewView(main, ctx));
}

async function loadCities() {
  const body = await getJson('/v1/cities');
  cities = body.cities;
}

async function onSignedIn() {
  try {
    await loadCities();
  } catch (err) {
    replace(main, errorBlock(err, () => void onSignedIn()));
    return;
  }
  const target = afterSignIn ?? '#/';
  afterSignIn = null;
  go(target);
}

/** listeners and the deep link: once per page */
function setup() {
  document.documentElement.lang = lang();
  document.title = t('appName');
  const match = /^\/alerts\/([a-z0-9][a-z0-9_-]{0,63})\/?$/.exec(location.pathname);
  if (match) {
    deepLinkAlert = match[1] ?? null;
    history.replaceState(null, '', `/${location.hash}`);
  }
  const skip = document.getElementById('skip-link');
  if (skip) skip.textContent = t('skipToContent');
  skip?.addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  onUnauthorized(() => {
    signOut();
    stopLive();
    afterSignIn = location.hash;
    go('#/login');
  });
  onLangChange(() => {
    document.title = t('appName');
    if (skip) skip.textContent = t('skipToContent');
    renderHeader();
    renderNav();
    view?.render();
  });
  window.addEventListener('hashchange', () => {
    if (booted) void route();
  });
}

let booted = false;

/** resume the session kept in this tab, then show the route; retried from the error block */
async function boot() {
  renderHeader();
  replace(main, loading());
  try {
    const principal = await resume();
    if (principal) await loadCities();
  } catch (err) {
    if (!(err instanceof ApiProblem && err.status === 401)) {
      replace(main, errorBlock(err, () => void boot()));
      return;
    }
  }
  booted = true;
  await route();
}

setup();
void boot();
