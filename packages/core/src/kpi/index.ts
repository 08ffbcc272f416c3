export * from './types.ts';
export * from './catalog.ts';
export { AssessmentContext, periodDays, requiredCount, MAX_PERIOD_DAYS, type PeriodDay, type PeriodCheck } from './context.ts';
export { AQI_STANDARD_IDS, NOISE_STANDARD_ID, leqUpperBound, type HourlyNeed } from './station-days.ts';
export { referencePeriod } from './energy.ts';
export * from './score.ts';
export { assessCity, hourlyNeeds, energyReferencePeriod, prepareAssessment, completeAssessment, type PreparedAssessment } from './assess.ts';
export * from './national.ts';
