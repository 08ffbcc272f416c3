/** "Close monitoring and evaluation" evidence: data completeness, uptime and alert acknowledgement time. */
import { DOMAINS } from '../types.ts';
import { roundHalfUp } from '../standards/rounding.ts';
import { MINUTE_MS } from '../time.ts';
import type { AssessmentContext } from './context.ts';
import { insufficient, median, percent, ratio, type KpiOutcome } from './values.ts';

export interface MonitoringDaySeries {
  completeness: number;
  devicesExpected: number;
  devicesReporting: number;
}

export function computeMonitoring(ctx: AssessmentContext): { completeness: KpiOutcome; uptime: KpiOutcome; alertAck: KpiOutcome; series: MonitoringDaySeries[] } {
  const received = ctx.days.map(() => 0);
  const expectedPerDay = ctx.days.map(() => 0);
  const expectedDevices = ctx.days.map(() => 0);
  const reporting = ctx.days.map(() => 0);
  const dayIndex = new Map(ctx.days.map((d, i) => [d.start, i]));
  const byDomain: Record<string, { deviceDays: number; reportingDays: number; readingsShare: number }> = {};
  const devicesBelow: Array<{ device: string; completeness: number }> = [];
  let deviceDays = 0;
  let reportingDays = 0;
  let share = 0;
  for (const domain of DOMAINS) {
    const expected = ctx.expectedPerDay(domain);
    for (const device of ctx.devices(domain)) {
      let deviceShare = 0;
      const days = ctx.expectedDays(device);
      for (const day of days) {
        const i = dayIndex.get(day.start) as number;
        const daily = Math.min(1, ctx.messagesOn(device.id, day.start) / expected);
        deviceShare += daily;
        received[i] = (received[i] as number) + daily;
        expectedPerDay[i] = (expectedPerDay[i] as number) + 1;
        expectedDevices[i] = (expectedDevices[i] as number) + 1;
        if (ctx.reportedOn(device.id, day.start)) {
          reporting[i] = (reporting[i] as number) + 1;
          reportingDays += 1;
          (byDomain[domain] ??= { deviceDays: 0, reportingDays: 0, readingsShare: 0 }).reportingDays += 1;
        }
      }
      const entry = (byDomain[domain] ??= { deviceDays: 0, reportingDays: 0, readingsShare: 0 });
      entry.deviceDays += days.length;
      entry.readingsShare += deviceShare;
      deviceDays += days.length;
      share += deviceShare;
      if (days.length > 0 && deviceShare / days.length < 0.75) devicesBelow.push({ device: device.id, completeness: ratio(deviceShare, days.length) });
    }
  }
  const series: MonitoringDaySeries[] = ctx.days.map((_, i) => ({
    completeness: ratio(received[i] as number, expectedPerDay[i] as number),
    devicesExpected: expectedDevices[i] as number,
    devicesReporting: reporting[i] as number,
  }));
  const domains = Object.fromEntries(
    Object.entries(byDomain).map(([d, v]) => [d, { deviceDays: v.deviceDays, reportingDays: v.reportingDays, completenessPercent: percent(v.readingsShare, v.deviceDays), intervalSeconds: ctx.catalog.inputs.reportingIntervalSeconds[d as keyof typeof ctx.catalog.inputs.reportingIntervalSeconds] }]),
  );
  const noDevices = insufficient(0, [{ en: 'No device is registered for this city.', th: 'ไม่มีอุปกรณ์ที่ลงทะเบียนไว้' }]);
  const completeness: KpiOutcome =
    deviceDays === 0
      ? noDevices
      : { status: 'ok', value: percent(share, deviceDays), completeness: 1, standards: [], notes: [], details: { deviceDays, domains, devicesBelow75Percent: devicesBelow } };
  const uptime: KpiOutcome =
    deviceDays === 0 ? noDevices : { status: 'ok', value: percent(reportingDays, deviceDays), completeness: 1, standards: [], notes: [], details: { deviceDays, deviceDaysReporting: reportingDays, domains } };
  return { completeness, uptime, alertAck: alertAcknowledgement(ctx), series };
}

function alertAcknowledgement(ctx: AssessmentContext): KpiOutcome {
  const alerts = ctx.input.alerts;
  if (alerts === undefined) {
    return insufficient(0, [{ en: 'No alert history is available to the assessment (the alert store is not connected).', th: 'ไม่มีประวัติการแจ้งเตือนสำหรับการประเมิน (ยังไม่ได้เชื่อมต่อระบบแจ้งเตือน)' }]);
  }
  const inPeriod = alerts.filter((a) => a.raisedAt >= ctx.fromMs && a.raisedAt < ctx.toMs);
  if (inPeriod.length === 0) {
    return { status: 'ok', value: 0, completeness: 1, standards: [], notes: [{ en: 'No alert was raised in the period.', th: 'ไม่มีการแจ้งเตือนในช่วงเวลานี้' }], details: { alerts: 0 } };
  }
  const minutes = inPeriod.map((a) => ((a.acknowledgedAt ?? Math.max(ctx.toMs, a.raisedAt)) - a.raisedAt) / MINUTE_MS);
  const unacknowledged = inPeriod.filter((a) => a.acknowledgedAt === null).length;
  return {
    status: 'ok',
    value: roundHalfUp(median(minutes), 1),
    completeness: 1,
    standards: [],
    notes: unacknowledged > 0 ? [{ en: `${unacknowledged} alert(s) were still unacknowledged and count with the time up to the end of the period.`, th: `มีการแจ้งเตือน ${unacknowledged} รายการที่ยังไม่มีผู้รับทราบ นับเวลาถึงสิ้นช่วงเวลา` }] : [],
    details: { alerts: inPeriod.length, acknowledged: inPeriod.length - unacknowledged, unacknowledged },
  };
}
