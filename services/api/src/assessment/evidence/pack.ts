/**
 * The evidence pack: index.html (the printable report), daily.csv (the underlying daily values), assessment.json
 * (the full result) and manifest.json (SHA-256 of every other file), plus a tar of all four. Nothing in it depends
 * on the clock: the same data, catalog and language give the same bytes.
 */
import { createHash } from 'node:crypto';
import { bangkokDateStart, type AssessmentInput, type CityAssessment, type KpiCatalog } from '@mueang/core';
import { dailyCsv } from './csv.ts';
import type { Lang } from './i18n.ts';
import { renderReport } from './report.ts';
import { writeTar } from './tar.ts';

export const EVIDENCE_FILES = ['assessment.json', 'daily.csv', 'index.html', 'manifest.json'] as const;
export type EvidenceFileName = (typeof EVIDENCE_FILES)[number];

export const MEDIA_TYPES: Readonly<Record<EvidenceFileName | 'tar', string>> = {
  'assessment.json': 'application/json; charset=utf-8',
  'daily.csv': 'text/csv; charset=utf-8',
  'index.html': 'text/html; charset=utf-8',
  'manifest.json': 'application/json; charset=utf-8',
  tar: 'application/x-tar',
};

export interface ManifestEntry {
  name: EvidenceFileName;
  mediaType: string;
  bytes: number;
  sha256: string;
}

export interface EvidenceManifest {
  kind: 'mueang-assessment-evidence';
  version: 1;
  city: string;
  period: { from: string; to: string };
  lang: Lang;
  hashAlgorithm: 'SHA-256';
  /** every file of the pack except the manifest itself, by name */
  files: ManifestEntry[];
}

export interface EvidencePack {
  files: Record<EvidenceFileName, Buffer>;
  manifest: EvidenceManifest;
  tarName: string;
  tar(): Buffer;
}

/** The assessment as JSON, the series (one row per day) included or not. */
export function assessmentDocument(a: CityAssessment, includeSeries: boolean): Omit<CityAssessment, 'series'> & { series?: CityAssessment['series'] } {
  if (includeSeries) return a;
  const { series: _series, ...rest } = a;
  return rest;
}

export function buildEvidencePack(assessment: CityAssessment, input: AssessmentInput, catalog: KpiCatalog, lang: Lang): EvidencePack {
  const content: Omit<Record<EvidenceFileName, Buffer>, 'manifest.json'> = {
    'assessment.json': Buffer.from(`${JSON.stringify(assessmentDocument(assessment, true), null, 2)}\n`, 'utf8'),
    'daily.csv': Buffer.from(dailyCsv(input, catalog), 'utf8'),
    'index.html': Buffer.from(renderReport(assessment, lang), 'utf8'),
  };
  const manifest: EvidenceManifest = {
    kind: 'mueang-assessment-evidence',
    version: 1,
    city: assessment.city.id,
    period: { from: assessment.period.from, to: assessment.period.to },
    lang,
    hashAlgorithm: 'SHA-256',
    files: (Object.keys(content) as Array<keyof typeof content>).sort().map((name) => ({
      name,
      mediaType: MEDIA_TYPES[name],
      bytes: content[name].length,
      sha256: createHash('sha256').update(content[name]).digest('hex'),
    })),
  };
  const files: Record<EvidenceFileName, Buffer> = { ...content, 'manifest.json': Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') };
  // the archive's time is the start of the period's last day: reproducible, and meaningful to whoever unpacks it
  const mtime = bangkokDateStart(assessment.period.to) / 1000;
  return {
    files,
    manifest,
    tarName: `evidence-${assessment.city.id}-${assessment.period.from}-${assessment.period.to}.tar`,
    tar: () => writeTar(EVIDENCE_FILES.map((name) => ({ name, data: files[name] })), mtime),
  };
}
