// The city's Smart City self-assessment: KPI values and scores, pass/fail per dimension, what is
// missing to pass, and the evidence pack to download.

import { download, getJson } from './api.js';
import { h, replace } from './dom.js';
import { formatDay, formatNumber, formatPercent, pick, t } from './i18n.js';
import { errorBlock, loading, pill, problemText, section, table } from './ui.js';

/**
 * @param {HTMLElement} main
 * @param {import('./ui.js').ViewContext} ctx
 * @returns {import('./ui.js').View}
 */
export function assessmentView(main, ctx) {
  /** @type {any} */
  let assessment = null;
  /** @type {any} */
  let evidence = null;
  /** @type {unknown} */
  let error = null;
  /** @type {string | null} */
  let downloadMessage = null;
  let downloadFailed = false;
  const head = h('div', { class: 'view-head' });
  const body = h('div', { class: 'view-body' });

  async function load() {
    try {
      const city = encodeURIComponent(ctx.city);
      [assessment, evidence] = await Promise.all([getJson(`/v1/assessment/${city}`), getJson(`/v1/assessment/${city}/evidence`)]);
      error = null;
    } catch (err) {
      error = err;
    }
    render();
  }

  /** @param {string} href @param {string} name */
  async function save(href, name) {
    downloadMessage = t('downloading');
    downloadFailed = false;
    render();
    try {
      const saved = await download(href, name);
      downloadMessage = t('downloaded', { name: saved });
    } catch (err) {
      downloadMessage = problemText(err);
      downloadFailed = true;
    }
    render();
  }

  /** @param {boolean} ok */
  const verdict = (ok) => pill(ok ? t('passes') : t('fails'), ok ? 'ok' : 'bad');

  function summary() {
    const a = assessment;
    return section(
      t('overallScore'),
      'overall-title',
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, t('period')),
        h('dd', { class: 'period' }, `${formatDay(a.period.from)} – ${formatDay(a.period.to)}`),
        h('dt', null, t('overallScore')),
        h('dd', null, `${formatNumber(a.overall.score, 1)} (${t('passThreshold', { value: formatNumber(a.overall.passThreshold, 0) })}) `, verdict(a.overall.passed)),
        h('dt', null, t('result')),
        h('dd', { class: 'assessment-result' }, verdict(a.passed)),
      ),
      h('h3', null, t('rules')),
      h(
        'ul',
        { class: 'rule-list' },
        a.rules.map((/** @type {any} */ r) => h('li', null, verdict(r.passed), ' ', pick(r.description))),
      ),
    );
  }

  function dimensions() {
    return section(
      t('dimensions'),
      'dimensions-title',
      table(
        t('dimensions'),
        [t('dimension'), t('score'), t('result')],
        assessment.dimensions.map((/** @type {any} */ d) => [pick(d.name), `${formatNumber(d.score, 1)} / ${t('passThreshold', { value: formatNumber(d.passThreshold, 0) })}`, verdict(d.passed)]),
      ),
    );
  }

  function missing() {
    const list = assessment.missing;
    return section(
      t('missing'),
      'missing-title',
      list.length === 0 ? h('p', null, t('nothingMissing')) : h('ul', { class: 'missing-list' }, list.map((/** @type {any} */ m) => h('li', null, pick(m.message)))),
    );
  }

  function kpis() {
    const dimensionName = new Map(assessment.dimensions.map((/** @type {any} */ d) => [d.id, pick(d.name)]));
    const rows = assessment.kpis
      .filter((/** @type {any} */ k) => k.enabled)
      .map((/** @type {any} */ k) =>
        h(
          'tr',
          { 'data-kpi': k.id },
          h('th', { scope: 'row' }, pick(k.name)),
          h('td', null, dimensionName.get(k.dimension) ?? k.dimension),
          h('td', { class: 'num' }, k.value === null ? t('notAvailable') : `${formatNumber(k.value, 2)} ${k.unit}`),
          h('td', { class: 'num' }, k.target === null ? t('notAvailable') : `${formatNumber(k.target, 2)} ${k.unit}`),
          h('td', { class: 'num' }, formatNumber(k.score, 1)),
          h('td', null, k.status === 'insufficient_data' ? pill(t('insufficientData'), 'muted') : pill(k.met ? t('met') : t('notMet'), k.met ? 'ok' : 'bad')),
          h('td', { class: 'num' }, formatPercent(k.completeness)),
        ),
      );
    return section(t('kpis'), 'kpis-title', table(t('kpis'), [t('kpi'), t('dimension'), t('value'), t('target'), t('score'), t('result'), t('completeness')], rows, { class: 'kpi-table' }));
  }

  function evidenceSection() {
    return section(
      t('evidencePack'),
      'evidence-title',
      h('p', null, h('button', { type: 'button', class: 'button button-primary evidence-download', onClick: () => void save(evidence.download.href, evidence.download.name) }, t('downloadEvidence'))),
      downloadMessage ? h('p', { class: downloadFailed ? 'error-text' : 'note', role: 'status' }, downloadMessage) : null,
      h('h3', null, t('evidenceFiles')),
      table(
        t('evidenceFiles'),
        ['', 'SHA-256', ''],
        [...evidence.files, evidence.manifest].map((/** @type {any} */ f) => [
          f.name,
          h('code', { class: 'hash' }, f.sha256),
          h('button', { type: 'button', class: 'button button-quiet', onClick: () => void save(f.href, f.name) }, `${t('download')}: ${f.name}`),
        ]),
      ),
    );
  }

  function render() {
    replace(head, h('h1', { tabindex: '-1' }, `${ctx.cityName()} · ${t('assessmentTitle')}`));
    if (error) return replace(body, errorBlock(error, () => void load()));
    if (!assessment || !evidence) return replace(body, loading());
    replace(body, h('div', { class: 'grid-2' }, summary(), h('div', null, dimensions(), missing())), kpis(), evidenceSection());
  }

  replace(main, head, body);
  render();
  void load();
  return { render };
}
