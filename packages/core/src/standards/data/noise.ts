/**
 * General environmental noise, NEB Notification No. 15 (B.E. 2540 / 1997) (reference thai-standards.md §5).
 * The catalog's 'noise' parameter lives in the air domain, so these standards do too.
 */
import { UNDATED_EDITION_FROM } from '../project-choices.ts';
import type { Standard } from '../types.ts';
import { EACH_SAMPLE, ROLLING_24H, cite } from './build.ts';

const SOURCE = cite({
  notification: 'NEB Notification No. 15 (B.E. 2540 / 1997), general environmental noise',
  gazette: '1997, day not in the reference',
  effective: `start not in the reference (treated as ${UNDATED_EDITION_FROM}), in force`,
  section: '§5',
  keys: ['NEONICS', 'GEONOISE'],
});

export const NOISE_STANDARDS: readonly Standard[] = [
  {
    id: 'th-noise-leq-24h',
    version: 'NEB-15/2540',
    parameter: 'noise',
    domain: 'air',
    category: 'noise',
    name: { en: 'Average sound level, Leq 24 h', th: 'ระดับเสียงเฉลี่ย 24 ชั่วโมง' },
    averaging: { ...ROLLING_24H, label: { en: '24-hour Leq', th: 'ค่าเฉลี่ยพลังงานเสียง 24 ชั่วโมง' } },
    statistic: 'leq',
    limit: { max: 70 },
    unit: 'dBA',
    decimals: 0,
    effectiveFrom: UNDATED_EDITION_FROM,
    source: SOURCE,
    status: 'VERIFIED',
    notes: 'Leq = 10·log10(mean(10^(L/10))) over equal intervals; the PCD interval and completeness rules were not read (project choice "noise").',
  },
  {
    id: 'th-noise-lmax',
    version: 'NEB-15/2540',
    parameter: 'noise',
    domain: 'air',
    category: 'noise',
    name: { en: 'Maximum sound level, Lmax', th: 'ระดับเสียงสูงสุด' },
    averaging: EACH_SAMPLE,
    statistic: 'sample',
    limit: { max: 115 },
    unit: 'dBA',
    decimals: 0,
    effectiveFrom: UNDATED_EDITION_FROM,
    source: SOURCE,
    status: 'VERIFIED',
    notes: 'Readings that are short-interval Leq values understate Lmax: a pass is indicative (project choice "noise").',
  },
];
