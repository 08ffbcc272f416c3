import { applyCatalogOverrides, checkCatalogOverrides, defaultKpiCatalog, type KpiCatalog, type KpiCatalogOverrides } from '@mueang/core';
import type { StateStore } from '@mueang/storage';

/** A city's stored KPI overrides (table kpi_catalog_overrides, migration 0003_kpi). */
export interface StoredOverrides {
  overrides: KpiCatalogOverrides;
  updatedAt: number | null;
  updatedBy: string | null;
}

interface OverrideRow {
  document: unknown;
  updated_at: number;
  updated_by: string | null;
}

export async function readKpiOverrides(state: StateStore, cityId: string): Promise<StoredOverrides> {
  const [row] = await state.driver.query<OverrideRow>('SELECT document, updated_at, updated_by FROM kpi_catalog_overrides WHERE city_id = $1', [cityId]);
  if (!row) return { overrides: {}, updatedAt: null, updatedBy: null };
  const document = typeof row.document === 'string' ? (JSON.parse(row.document) as unknown) : row.document;
  const checked = checkCatalogOverrides(document);
  // a document written by an older version that no longer validates is ignored rather than breaking the assessment
  return { overrides: checked.ok ? checked.overrides : {}, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

/** Replace a city's overrides; `overrides` must have passed checkCatalogOverrides. */
export async function writeKpiOverrides(state: StateStore, cityId: string, overrides: KpiCatalogOverrides, updatedBy: string | null): Promise<StoredOverrides> {
  const [row] = await state.driver.query<OverrideRow>(
    `INSERT INTO kpi_catalog_overrides (city_id, document, updated_at, updated_by) VALUES ($1, $2::jsonb, now(), $3)
     ON CONFLICT (city_id) DO UPDATE SET document = EXCLUDED.document, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
     RETURNING updated_at, updated_by`,
    [cityId, JSON.stringify(overrides), updatedBy],
  );
  return { overrides, updatedAt: row?.updated_at ?? null, updatedBy: row?.updated_by ?? null };
}

/** The city's effective catalog: the default with its overrides applied. */
export async function cityCatalog(state: StateStore, cityId: string): Promise<{ catalog: KpiCatalog; stored: StoredOverrides }> {
  const stored = await readKpiOverrides(state, cityId);
  return { catalog: applyCatalogOverrides(defaultKpiCatalog(), stored.overrides), stored };
}
