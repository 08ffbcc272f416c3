/**
 * Smart City assessment routes: KPI values and scores, the evidence pack, the city KPI catalog and the national view.
 * Registered by the API under /v1 behind API-key auth (viewer and above; PUT of the catalog: admin).
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { applyCatalogOverrides, checkCatalogOverrides, defaultKpiCatalog, nationalView, type AssessmentPeriod } from '@mueang/core';
import type { Role, StateStore, TelemetryStore } from '@mueang/storage';
import type { FastifyRequest } from 'fastify';
import type { AuditTrail } from '../audit/trail.ts';
import { ApiError } from '../errors.ts';
import { loadCity } from '../routes/registry/cities.ts';
import { CityParams, READ_PROBLEMS, problems } from '../schemas/common.ts';
import { stateAlertSource, type AlertAckSource } from './alert-source.ts';
import { type Lang } from './evidence/i18n.ts';
import { MEDIA_TYPES, assessmentDocument, buildEvidencePack } from './evidence/pack.ts';
import { cityCatalog, readKpiOverrides, writeKpiOverrides } from './kpi-overrides.ts';
import { loadAndAssess, type AssessmentSources, type LoadedAssessment } from './load.ts';
import { resolvePeriod } from './period.ts';
import { AssessmentResponse, EvidenceFileParams, EvidenceIndexResponse, EvidenceQuery, KpiCatalogResponse, KpiOverridesBody, NationalResponse, PeriodQuery } from './schemas.ts';
import '../auth/fastify-types.ts';

export { loadAndAssess, type AssessmentSources, type LoadedAssessment, type AssessmentTimings, KPI_PARAMS } from './load.ts';
export { buildEvidencePack, type EvidencePack, type EvidenceManifest } from './evidence/pack.ts';
export { writeTar } from './evidence/tar.ts';
export { stateAlertSource, type AlertAckSource } from './alert-source.ts';
export { readKpiOverrides, writeKpiOverrides, cityCatalog } from './kpi-overrides.ts';

export interface AssessmentRoutesOptions {
  telemetry: TelemetryStore;
  state: StateStore;
  /** throws (401/403 ApiError) unless the request may use the city; the API's city-scope hook does the same */
  requireCity?: (request: FastifyRequest, cityId: string) => unknown;
  /** throws unless the request has at least the role; without it, changing a KPI catalog is refused */
  requireRole?: (request: FastifyRequest, role: Role) => unknown;
  /** alert raise/acknowledge times; default: the alerts table of the StateStore; null: none */
  alerts?: AlertAckSource | null;
  /** the clock for the default period; tests pin it (default Date.now) */
  now?: () => number;
  /** records catalog changes in the audit log (the API passes it; without it changes are not audited) */
  audit?: AuditTrail;
}

const EVIDENCE_PROBLEMS = problems(...READ_PROBLEMS);

function actorOf(request: FastifyRequest): string | null {
  return request.principal?.keyName ?? null;
}

export const assessmentRoutes: FastifyPluginAsyncTypebox<AssessmentRoutesOptions> = async (app, options) => {
  const { telemetry, state } = options;
  const now = options.now ?? Date.now;
  const sources: AssessmentSources = { telemetry, state, alerts: options.alerts === undefined ? stateAlertSource(state) : options.alerts };

  async function cityFor(request: FastifyRequest, cityId: string) {
    options.requireCity?.(request, cityId);
    return loadCity(state, cityId);
  }

  // opening the evidence index and then downloading its files asks for the same assessment several times
  const recent = new RecentAssessments();

  async function assess(request: FastifyRequest, cityId: string, query: { from?: string; to?: string }) {
    const period: AssessmentPeriod = resolvePeriod(query, now());
    const city = await cityFor(request, cityId);
    return recent.get(`${city.id}|${period.from}|${period.to}`, () => loadAndAssess(sources, city, period));
  }

  app.get(
    '/assessment/:city',
    {
      schema: {
        tags: ['assessment'],
        summary: 'Smart City self-assessment of a city for a period',
        description:
          'Every KPI of the city catalog with its value, method, standard ids and versions, data completeness and status (`insufficient_data` when under 75 % of the expected data is valid), ' +
          'its score (progress from baseline to target), the score per dimension (pass at 70 %), the overall score (80 %), the certification rules ' +
          '(at least two dimensions, Smart Environment mandatory) and what is missing to pass. Reads daily rollups (and a few hourly ones), never raw points.',
        params: CityParams,
        querystring: PeriodQuery,
        response: { 200: AssessmentResponse, ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const { assessment } = await assess(request, request.params.city, request.query);
      return assessmentDocument(assessment, false);
    },
  );

  app.get(
    '/assessment/:city/evidence',
    {
      schema: {
        tags: ['assessment'],
        summary: 'The evidence pack: its files with their SHA-256',
        description:
          'Lists the files of the evidence pack (printable report index.html in Thai and English with Buddhist Era dates, daily.csv of the underlying daily values, assessment.json, manifest.json) ' +
          'with their sizes, SHA-256 and download links, and the link of a tar archive of all of them. The same data gives the same bytes.',
        params: CityParams,
        querystring: EvidenceQuery,
        response: { 200: EvidenceIndexResponse, ...EVIDENCE_PROBLEMS },
      },
    },
    async (request) => {
      const { city } = request.params;
      const loaded = await assess(request, city, request.query);
      const lang: Lang = request.query.lang ?? 'both';
      const pack = buildEvidencePack(loaded.assessment, loaded.input, loaded.catalog, lang);
      const query = `?from=${loaded.assessment.period.from}&to=${loaded.assessment.period.to}&lang=${lang}`;
      const base = `${request.url.split('?')[0] ?? ''}`;
      return {
        ...pack.manifest,
        files: pack.manifest.files.map((f) => ({ ...f, href: `${base}/${f.name}${query}` })),
        manifest: {
          name: 'manifest.json',
          mediaType: MEDIA_TYPES['manifest.json'],
          bytes: pack.files['manifest.json'].length,
          sha256: createHash('sha256').update(pack.files['manifest.json']).digest('hex'),
          href: `${base}/manifest.json${query}`,
        },
        download: { name: pack.tarName, href: `${base}/evidence.tar${query}`, mediaType: MEDIA_TYPES.tar },
      };
    },
  );

  app.get(
    '/assessment/:city/evidence/:file',
    {
      schema: {
        tags: ['assessment'],
        summary: 'One file of the evidence pack, or evidence.tar with all of them',
        description: 'index.html (printable report), daily.csv, assessment.json, manifest.json (SHA-256 of the other files) or evidence.tar (a ustar archive of the four, fixed times and order).',
        params: EvidenceFileParams,
        querystring: EvidenceQuery,
        response: { ...EVIDENCE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const { city, file } = request.params;
      const loaded = await assess(request, city, request.query);
      const pack = buildEvidencePack(loaded.assessment, loaded.input, loaded.catalog, request.query.lang ?? 'both');
      if (file === 'evidence.tar') {
        return reply.type(MEDIA_TYPES.tar).header('content-disposition', `attachment; filename="${pack.tarName}"`).send(pack.tar());
      }
      return reply.type(MEDIA_TYPES[file]).header('content-disposition', `${file === 'index.html' ? 'inline' : 'attachment'}; filename="${file}"`).send(pack.files[file]);
    },
  );

  app.get(
    '/assessment/:city/kpis',
    {
      schema: {
        tags: ['assessment'],
        summary: "The city's KPI catalog (defaults with the city's overrides)",
        params: CityParams,
        response: { 200: KpiCatalogResponse, ...problems(...READ_PROBLEMS) },
      },
    },
    async (request) => {
      const { city } = request.params;
      await cityFor(request, city);
      const { catalog, stored } = await cityCatalog(state, city);
      return { city, catalog, overrides: stored.overrides as Record<string, unknown>, updatedAt: iso(stored.updatedAt), updatedBy: stored.updatedBy };
    },
  );

  app.put(
    '/assessment/:city/kpis',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['assessment'],
        summary: "Replace the city's KPI overrides (admin)",
        description:
          'Baseline, target, direction, weight, method and enabled per KPI id, and the inputs (population, expected reporting interval per domain, energy baselines, bin thresholds). ' +
          'The document replaces the stored one; send {} to return to the defaults. Baseline and target must lie in the KPI direction.',
        params: CityParams,
        body: KpiOverridesBody,
        response: { 200: KpiCatalogResponse, ...problems(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const { city } = request.params;
      if (!options.requireRole && !request.principal) {
        throw ApiError.forbidden('Changing a KPI catalog needs an admin API key, and this API has no role check configured for it; ask the operator to enable authentication.');
      }
      options.requireRole?.(request, 'admin');
      await cityFor(request, city);
      const checked = checkCatalogOverrides(request.body);
      if (!checked.ok) {
        throw ApiError.badRequest(
          `The KPI catalog overrides are not valid: ${checked.issues.map((i) => `body.${i.path}: ${i.message}`).join('; ')}. Fix the listed field(s) and send the whole document again.`,
          checked.issues.map((i) => ({ path: `body.${i.path}`, message: i.message })),
        );
      }
      const write = async (store: StateStore) => {
        const before = await readKpiOverrides(store, city);
        const written = await writeKpiOverrides(store, city, checked.overrides, actorOf(request));
        const changes = overrideChanges(before.overrides as Record<string, unknown>, written.overrides as Record<string, unknown>);
        return { result: written, audit: Object.keys(changes).length === 0 ? null : { action: 'kpi-catalog.update' as const, target: { type: 'kpi_catalog' as const, id: city }, cityId: city, details: { changes } } };
      };
      const stored = options.audit ? await options.audit.change(request, (tx) => write(tx.state)) : (await write(state)).result;
      recent.forgetCity(city);
      const catalog = applyCatalogOverrides(defaultKpiCatalog(), stored.overrides);
      request.log.info({ city, kpis: Object.keys(stored.overrides.kpis ?? {}).length }, 'KPI catalog overrides replaced');
      return { city, catalog, overrides: stored.overrides as Record<string, unknown>, updatedAt: iso(stored.updatedAt), updatedBy: stored.updatedBy };
    },
  );

  app.get(
    '/national',
    {
      schema: {
        tags: ['assessment'],
        summary: 'National view: cities whose environmental quality is within standard',
        description:
          'The master-plan indicator "number of cities whose environmental quality is within standard" for the period, with each city\'s status and the reasons. ' +
          'One rule for every city: its environmental-quality KPIs against the default catalog targets (see `method`). ' +
          'A key limited to one city sees that city and the cities that opted in to open data.',
        querystring: PeriodQuery,
        response: { 200: NationalResponse, ...problems(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      const period = resolvePeriod(request.query, now());
      // a key limited to one city sees that city and the cities that publish open data, nothing private of others
      const scope = (request as { principal?: { cityId: string | null } }).principal?.cityId ?? null;
      const cities = (await state.listCities()).filter((c) => scope === null || c.id === scope || c.publicData);
      const assessments = [];
      for (const city of cities) assessments.push((await loadAndAssess(sources, city, period)).assessment);
      return nationalView(period, assessments);
    },
  );
};

/** what a new overrides document changed, per KPI and per input: { "kpis.<id>": { from, to }, "inputs.<name>": { from, to } } */
function overrideChanges(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const section of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = (before[section] ?? {}) as Record<string, unknown>;
    const a = (after[section] ?? {}) as Record<string, unknown>;
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
      const from = b[key] ?? null;
      const to = a[key] ?? null;
      if (JSON.stringify(from) !== JSON.stringify(to)) out[`${section}.${key}`] = { from, to };
    }
  }
  return out;
}

/** Assessments of the last minute, so that a pack's files come from one computation; a catalog change drops its city. */
class RecentAssessments {
  private readonly entries = new Map<string, { at: number; value: Promise<LoadedAssessment> }>();
  private static readonly TTL_MS = 60_000;
  private static readonly MAX = 8;

  get(key: string, load: () => Promise<LoadedAssessment>): Promise<LoadedAssessment> {
    const now = performance.now();
    for (const [k, e] of this.entries) if (now - e.at > RecentAssessments.TTL_MS) this.entries.delete(k);
    const hit = this.entries.get(key);
    if (hit) return hit.value;
    const value = load();
    this.entries.set(key, { at: now, value });
    // a failed load is not kept
    value.catch(() => this.entries.delete(key));
    while (this.entries.size > RecentAssessments.MAX) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  forgetCity(cityId: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(`${cityId}|`)) this.entries.delete(k);
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
