import type { Migration } from '../migration.ts';

/**
 * Per-city KPI catalog overrides for the Smart City assessment: one JSON document per city
 * ({ inputs?, kpis? }, validated by checkCatalogOverrides in @mueang/core before it is written),
 * applied over the default catalog at read time so that new default KPIs reach every city.
 */
export const migration0003Kpi: Migration = {
  id: '0003_kpi',
  sql: `
CREATE TABLE kpi_catalog_overrides (
  city_id     text PRIMARY KEY CONSTRAINT kpi_catalog_overrides_city_fk REFERENCES cities (id) ON DELETE CASCADE,
  document    jsonb NOT NULL CONSTRAINT kpi_catalog_overrides_document_object CHECK (jsonb_typeof(document) = 'object'),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text
);
`,
};
