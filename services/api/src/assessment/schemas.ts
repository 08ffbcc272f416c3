/** TypeBox schemas of the assessment routes (request validation and the OpenAPI document). */
import { DIMENSIONS, DOMAINS, KPI_IDS } from '@mueang/core';
import { Type } from 'typebox';
import { LANGS } from './evidence/i18n.ts';

const ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

export const CityParams = Type.Object(
  { city: Type.String({ pattern: ID_PATTERN, maxLength: 64, description: "City id (1-64 characters a-z, 0-9, '-' and '_')" }) },
  { additionalProperties: false },
);

const DateParam = (what: string) =>
  Type.String({ pattern: DATE_PATTERN, maxLength: 10, description: `${what}: an Asia/Bangkok calendar day, YYYY-MM-DD (inclusive)`, examples: ['2024-01-01'] });

export const PeriodQuery = Type.Object(
  {
    from: Type.Optional(DateParam('First day of the period (default: 364 days before `to`)')),
    to: Type.Optional(DateParam('Last day of the period (default: yesterday)')),
  },
  { additionalProperties: false },
);

export const EvidenceQuery = Type.Object(
  {
    from: Type.Optional(DateParam('First day of the period (default: 364 days before `to`)')),
    to: Type.Optional(DateParam('Last day of the period (default: yesterday)')),
    lang: Type.Optional(Type.Enum([...LANGS], { description: 'Report language: both (Thai and English, default), th or en' })),
  },
  { additionalProperties: false },
);

export const EVIDENCE_DOWNLOADS = ['index.html', 'daily.csv', 'assessment.json', 'manifest.json', 'evidence.tar'] as const;

export const EvidenceFileParams = Type.Object(
  {
    city: CityParams.properties.city,
    file: Type.Enum([...EVIDENCE_DOWNLOADS], { description: 'A file of the evidence pack, or evidence.tar for all of them' }),
  },
  { additionalProperties: false },
);

const Bilingual = Type.Object({ en: Type.String(), th: Type.String() });
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const Details = Type.Record(Type.String(), Type.Unknown(), { description: 'the numbers behind the value' });

const StandardUse = Type.Object({
  id: Type.String(),
  version: Type.String(),
  limit: Type.Object({ min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()) }),
  unit: Type.String(),
  effectiveFrom: Type.String(),
  effectiveTo: Type.Union([Type.String(), Type.Null()]),
  days: Type.Integer({ description: 'days of the period judged with this edition' }),
});

const KpiValue = Type.Object({
  id: Type.String(),
  dimension: Type.String(),
  group: Type.String(),
  name: Bilingual,
  unit: Type.String(),
  direction: Type.String(),
  baseline: NullableNumber,
  target: NullableNumber,
  weight: Type.Number(),
  method: Bilingual,
  enabled: Type.Boolean(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('insufficient_data')]),
  value: NullableNumber,
  score: Type.Number({ description: '0-100: progress from baseline to target' }),
  met: Type.Boolean(),
  completeness: Type.Number({ description: 'share (0-1) of the expected data present and valid' }),
  standards: Type.Array(StandardUse),
  notes: Type.Array(Bilingual),
  details: Details,
});

const Dimension = Type.Object({
  id: Type.String(),
  name: Bilingual,
  score: Type.Number(),
  passThreshold: Type.Number(),
  passed: Type.Boolean(),
  kpis: Type.Array(Type.String()),
});

const Missing = Type.Object({
  kind: Type.String(),
  dimension: Type.Optional(Type.String()),
  kpiId: Type.Optional(Type.String()),
  gainPoints: Type.Optional(Type.Number({ description: 'dimension score points gained if the KPI reached its target' })),
  message: Bilingual,
});

const Inputs = Type.Object({
  population: NullableNumber,
  reportingIntervalSeconds: Type.Record(Type.String(), Type.Number()),
  energyBaselineKwhPerDay: NullableNumber,
  energyBaselinePeakKw: NullableNumber,
  wasteFullPercent: Type.Number(),
  wasteOverflowPercent: Type.Number(),
});

export const AssessmentResponse = Type.Object(
  {
    city: Type.Object({ id: Type.String(), name: Type.String(), nameTh: Type.Union([Type.String(), Type.Null()]) }),
    period: Type.Object({ from: Type.String(), to: Type.String(), days: Type.Integer() }),
    kpis: Type.Array(KpiValue),
    dimensions: Type.Array(Dimension),
    overall: Type.Object({ score: Type.Number(), passThreshold: Type.Number(), passed: Type.Boolean() }),
    rules: Type.Array(Type.Object({ id: Type.String(), description: Bilingual, passed: Type.Boolean() })),
    passed: Type.Boolean({ description: 'every certification rule passes' }),
    missing: Type.Array(Missing, { description: 'what is missing to pass, most useful first' }),
    inputs: Inputs,
    choices: Type.Array(Type.String(), { description: 'ids of the project choices the values depend on (explained in the evidence report)' }),
  },
  { description: 'KPI values, dimension scores and certification rules for one city and period' },
);

export const EvidenceIndexResponse = Type.Object({
  kind: Type.Literal('mueang-assessment-evidence'),
  version: Type.Literal(1),
  city: Type.String(),
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  lang: Type.String(),
  hashAlgorithm: Type.Literal('SHA-256'),
  files: Type.Array(Type.Object({ name: Type.String(), mediaType: Type.String(), bytes: Type.Integer(), sha256: Type.String(), href: Type.String() }), {
    description: 'the files manifest.json lists, with their SHA-256',
  }),
  manifest: Type.Object({ name: Type.String(), mediaType: Type.String(), bytes: Type.Integer(), sha256: Type.String(), href: Type.String() }),
  download: Type.Object({ name: Type.String(), href: Type.String(), mediaType: Type.String() }),
});

const KpiOverride = Type.Object(
  {
    baseline: Type.Optional(NullableNumber),
    target: Type.Optional(NullableNumber),
    direction: Type.Optional(Type.Union([Type.Literal('higher'), Type.Literal('lower')])),
    weight: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
    method: Type.Optional(Type.Object({ en: Type.String({ minLength: 1, maxLength: 2000 }), th: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The body of PUT /assessment/{city}/kpis; checkCatalogOverrides checks the rest (directions, ranges). */
export const KpiOverridesBody = Type.Object(
  {
    inputs: Type.Optional(
      Type.Object(
        {
          population: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
          reportingIntervalSeconds: Type.Optional(Type.Object(Object.fromEntries(DOMAINS.map((d) => [d, Type.Optional(Type.Number({ minimum: 1, maximum: 86_400 }))])), { additionalProperties: false })),
          energyBaselineKwhPerDay: Type.Optional(NullableNumber),
          energyBaselinePeakKw: Type.Optional(NullableNumber),
          wasteFullPercent: Type.Optional(Type.Number()),
          wasteOverflowPercent: Type.Optional(Type.Number()),
        },
        { additionalProperties: false },
      ),
    ),
    kpis: Type.Optional(Type.Object(Object.fromEntries(KPI_IDS.map((id) => [id, Type.Optional(KpiOverride)])), { additionalProperties: false })),
  },
  { additionalProperties: false, description: "A city's changes to the default KPI catalog; replaces the stored ones" },
);

const KpiDefinition = Type.Object({
  id: Type.String(),
  dimension: Type.Enum([...DIMENSIONS]),
  group: Type.String(),
  name: Bilingual,
  unit: Type.String(),
  direction: Type.String(),
  baseline: NullableNumber,
  target: NullableNumber,
  weight: Type.Number(),
  method: Bilingual,
  standardIds: Type.Array(Type.String()),
  enabled: Type.Boolean(),
});

export const KpiCatalogResponse = Type.Object({
  city: Type.String(),
  catalog: Type.Object({ inputs: Inputs, kpis: Type.Array(KpiDefinition) }, { description: 'the effective catalog: defaults with the overrides applied' }),
  overrides: Type.Record(Type.String(), Type.Unknown(), { description: 'what this city changed' }),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});

const NationalCity = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameTh: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('within_standard'), Type.Literal('not_within_standard'), Type.Literal('insufficient_data')]),
  reasons: Type.Array(Bilingual),
  kpis: Type.Array(
    Type.Object({ id: Type.String(), name: Bilingual, status: Type.String(), value: NullableNumber, unit: Type.String(), target: NullableNumber, met: Type.Boolean() }),
  ),
});

export const NationalResponse = Type.Object({
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  citiesAssessed: Type.Integer(),
  citiesWithinStandard: Type.Integer(),
  citiesNotWithinStandard: Type.Integer(),
  citiesInsufficientData: Type.Integer(),
  masterPlanTarget: Type.Union([Type.Object({ fromYear: Type.Integer(), toYear: Type.Integer(), cities: Type.Integer() }), Type.Null()]),
  method: Bilingual,
  cities: Type.Array(NationalCity),
});
