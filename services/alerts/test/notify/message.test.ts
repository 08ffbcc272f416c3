import { describe, expect, it } from 'vitest';
import { averagingWords, formatEnglishTime, formatThaiTime, renderMessage, textFor, titleFor } from '../../src/notify/message.ts';
import { pm25Notification } from './fixtures.ts';

describe('dates', () => {
  it('writes Thai dates in the Buddhist Era (CE + 543) and Asia/Bangkok time', () => {
    // 2026-11-04 03:05 UTC = 10:05 ICT
    expect(formatThaiTime(Date.UTC(2026, 10, 4, 3, 5))).toBe('4 พ.ย. 2569 10:05 น.');
    expect(formatEnglishTime(Date.UTC(2026, 10, 4, 3, 5))).toBe('4 Nov 2026 10:05 ICT');
  });

  it('takes the year of the Bangkok day, not the UTC day, at New Year', () => {
    // 2025-12-31 17:30 UTC is already 2026-01-01 00:30 in Bangkok: BE 2569
    const ts = Date.UTC(2025, 11, 31, 17, 30);
    expect(formatThaiTime(ts)).toBe('1 ม.ค. 2569 00:30 น.');
    expect(formatEnglishTime(ts)).toBe('1 Jan 2026 00:30 ICT');
    // one hour earlier it is still 2025 (BE 2568) in Bangkok
    expect(formatThaiTime(ts - 3_600_000)).toBe('31 ธ.ค. 2568 23:30 น.');
  });

  it('checks the Buddhist year against CE + 543 across several years', () => {
    for (const year of [1999, 2020, 2024, 2030]) {
      const ts = Date.UTC(year, 5, 15, 5, 0);
      expect(formatThaiTime(ts)).toContain(` ${year + 543} `);
      expect(formatEnglishTime(ts)).toContain(` ${year} `);
    }
  });
});

describe('averagingWords', () => {
  const named = (id: string, version: string, averaging = '') => ({ id, version, limit: 0, averaging, source: '' });

  it('reads the averaging period from the core standards data', () => {
    expect(averagingWords(named('th-aaqs-pm25-24h', '2023-06-01'))).toEqual({ en: '24-hour mean', th: 'ค่าเฉลี่ย 24 ชั่วโมง' });
    expect(averagingWords(named('th-aaqs-o3-8h', 'PCD-AAQS'))).toEqual({ en: '8-hour mean', th: 'ค่าเฉลี่ย 8 ชั่วโมง' });
    expect(averagingWords(named('th-aaqs-pm25-1y', '2022-07-09'))).toEqual({ en: 'annual mean', th: 'ค่าเฉลี่ยรายปี' });
    expect(averagingWords(named('th-sw-bod-class3', 'NEB-8/2537'))).toEqual({
      en: '80th percentile of the samples over 365 days',
      th: 'เปอร์เซ็นไทล์ที่ 80 ของตัวอย่างในรอบ 365 วัน',
    });
    expect(averagingWords(named('th-sw-no3n-class3', 'NEB-8/2537'))).toEqual({ en: 'single sample', th: 'ค่าจากตัวอย่างเดียว' });
  });

  it('falls back to the notification text for standards the core data does not know', () => {
    expect(averagingWords(named('city-own-limit', 'v1', '1h'))).toEqual({ en: '1-hour mean', th: 'ค่าเฉลี่ย 1 ชั่วโมง' });
    expect(averagingWords(named('city-own-limit', 'v1', 'PT24H'))).toEqual({ en: '24-hour mean', th: 'ค่าเฉลี่ย 24 ชั่วโมง' });
    expect(averagingWords(named('city-own-limit', 'v1', '1y'))).toEqual({ en: 'annual mean', th: 'ค่าเฉลี่ยรายปี' });
    expect(averagingWords(named('city-own-limit', 'v1', '15-minute peak'))).toEqual({ en: '15-minute peak', th: '15-minute peak' });
  });
});

describe('renderMessage', () => {
  it('renders a raised alert in English and Thai', () => {
    const message = renderMessage(pm25Notification());
    expect(message.title).toEqual({
      en: '[MAJOR] Raised: PM2.5 24-hour mean above the standard – Chang Phueak',
      th: '[รุนแรง] แจ้งเตือนใหม่: PM2.5 เฉลี่ย 24 ชั่วโมงเกินมาตรฐาน – ช้างเผือก',
    });
    expect(message.text.en).toBe(
      [
        '[MAJOR] Alert raised: PM2.5 24-hour mean above the standard',
        'Station: Chang Phueak, Chiang Mai',
        'Device: PM sensor 1 (cnx-air-001)',
        'PM2.5: 62.4 µg/m³ (24-hour mean, 3 Nov 2026 10:00 – 4 Nov 2026 10:00 ICT)',
        'Standard: th-aaqs-pm25-24h version 2023-06-01, limit 37.5 µg/m³ (24-hour mean)',
        'Source: PCD notification (test)',
        'Time: 4 Nov 2026 10:00 ICT',
        'Alert: cnx-air-001.air-pm25-24h (rule air.pm25.24h)',
        'Details: http://127.0.0.1:8080/console/alerts/cnx-air-001.air-pm25-24h',
      ].join('\n'),
    );
    expect(message.text.th).toBe(
      [
        '[รุนแรง] เกิดการแจ้งเตือน: PM2.5 เฉลี่ย 24 ชั่วโมงเกินมาตรฐาน',
        'สถานี: ช้างเผือก เชียงใหม่',
        'อุปกรณ์: PM sensor 1 (cnx-air-001)',
        'ฝุ่นละอองขนาดไม่เกิน 2.5 ไมครอน (PM2.5): 62.4 µg/m³ (ค่าเฉลี่ย 24 ชั่วโมง ช่วง 3 พ.ย. 2569 10:00 น. – 4 พ.ย. 2569 10:00 น.)',
        'มาตรฐาน: th-aaqs-pm25-24h ฉบับ 2023-06-01 ไม่เกิน 37.5 µg/m³ (ค่าเฉลี่ย 24 ชั่วโมง)',
        'ที่มา: PCD notification (test)',
        'เวลา: 4 พ.ย. 2569 10:00 น.',
        'รหัสการแจ้งเตือน: cnx-air-001.air-pm25-24h (กฎ air.pm25.24h)',
        'ดูรายละเอียด: http://127.0.0.1:8080/console/alerts/cnx-air-001.air-pm25-24h',
      ].join('\n'),
    );
  });

  it('renders a cleared alert without site, window or console link', () => {
    const message = renderMessage(
      pm25Notification({ transition: 'cleared', value: 30.04, at: Date.UTC(2026, 10, 5, 6, 30), windowFrom: null, windowTo: null, consoleUrl: null, site: null, device: { id: 'cnx-air-001', name: null } }),
    );
    expect(message.title.en).toBe('[MAJOR] Cleared: PM2.5 24-hour mean above the standard – Chiang Mai');
    expect(message.text.en).toBe(
      [
        '[MAJOR] Alert cleared, back within the standard: PM2.5 24-hour mean above the standard',
        'City: Chiang Mai',
        'Device: cnx-air-001',
        'PM2.5: 30.0 µg/m³ (24-hour mean)',
        'Standard: th-aaqs-pm25-24h version 2023-06-01, limit 37.5 µg/m³ (24-hour mean)',
        'Source: PCD notification (test)',
        'Time: 5 Nov 2026 13:30 ICT',
        'Alert: cnx-air-001.air-pm25-24h (rule air.pm25.24h)',
      ].join('\n'),
    );
    expect(message.text.th.split('\n')[0]).toBe('[รุนแรง] สิ้นสุดการแจ้งเตือน ค่ากลับเข้าเกณฑ์มาตรฐาน: PM2.5 เฉลี่ย 24 ชั่วโมงเกินมาตรฐาน');
    expect(message.text.th.split('\n')[1]).toBe('เมือง: เชียงใหม่');
  });

  it('words each transition differently', () => {
    const firstLine = (overrides: Parameters<typeof pm25Notification>[0]) => {
      const m = renderMessage(pm25Notification(overrides));
      return [m.text.en.split('\n')[0], m.text.th.split('\n')[0]];
    };
    expect(firstLine({ transition: 'escalated', severity: 'critical', escalationLevel: 1 })).toEqual([
      '[CRITICAL] Escalated to level 1, not yet acknowledged: PM2.5 24-hour mean above the standard',
      '[วิกฤต] ยกระดับเป็นระดับ 1 เนื่องจากยังไม่มีผู้รับทราบ: PM2.5 เฉลี่ย 24 ชั่วโมงเกินมาตรฐาน',
    ]);
    expect(firstLine({ transition: 'reminder' })).toEqual([
      '[MAJOR] Still active (reminder): PM2.5 24-hour mean above the standard',
      '[รุนแรง] ยังอยู่ในสถานะแจ้งเตือน (แจ้งซ้ำ): PM2.5 เฉลี่ย 24 ชั่วโมงเกินมาตรฐาน',
    ]);
    expect(firstLine({ transition: 'acknowledged', acknowledgedBy: 'Somchai' })).toEqual([
      '[MAJOR] Acknowledged by Somchai: PM2.5 24-hour mean above the standard',
      '[รุนแรง] รับทราบแล้วโดย Somchai: PM2.5 เฉลี่ย 24 ชั่วโมงเกินมาตรฐาน',
    ]);
    expect(firstLine({ transition: 'assigned', assignee: 'Duty officer' })).toEqual([
      '[MAJOR] Assigned to Duty officer: PM2.5 24-hour mean above the standard',
      '[รุนแรง] มอบหมายให้ Duty officer: PM2.5 เฉลี่ย 24 ชั่วโมงเกินมาตรฐาน',
    ]);
    expect(firstLine({ transition: 'severity_changed', severity: 'critical' })).toEqual([
      '[CRITICAL] Severity changed to CRITICAL: PM2.5 24-hour mean above the standard',
      '[วิกฤต] เปลี่ยนระดับความรุนแรงเป็น วิกฤต: PM2.5 เฉลี่ย 24 ชั่วโมงเกินมาตรฐาน',
    ]);
  });

  it('shows the escalation level and assignee on a reminder', () => {
    const m = renderMessage(pm25Notification({ transition: 'reminder', escalationLevel: 2, assignee: 'Duty officer' }));
    expect(m.text.en).toContain('\nEscalation level: 2\nAssignee: Duty officer\n');
    expect(m.text.th).toContain('\nขั้นการยกระดับ: 2\nผู้รับผิดชอบ: Duty officer\n');
  });

  it('says "minimum" for a floor such as dissolved oxygen, with the standard precision', () => {
    const m = renderMessage(
      pm25Notification({
        domain: 'water',
        parameter: 'dissolvedOxygen',
        unit: 'mg/L',
        value: 3.21,
        ruleId: 'water.do',
        ruleName: { en: 'Dissolved oxygen below class 3', th: 'ออกซิเจนละลายน้ำต่ำกว่าเกณฑ์ประเภทที่ 3' },
        standard: { id: 'th-sw-do-class3', version: 'NEB-8/2537', limit: 4, averaging: 'p20-365d', source: 'NEB 8/2537' },
        site: { id: 'cnx-ping', name: 'Ping River at Nawarat Bridge', nameTh: 'แม่น้ำปิง สะพานนวรัฐ' },
        device: null,
        windowFrom: null,
        windowTo: null,
        consoleUrl: null,
      }),
    );
    expect(m.text.en).toBe(
      [
        '[MAJOR] Alert raised: Dissolved oxygen below class 3',
        'Station: Ping River at Nawarat Bridge, Chiang Mai',
        'Dissolved oxygen (DO): 3.2 mg/L (20th percentile of the samples over 365 days)',
        'Standard: th-sw-do-class3 version NEB-8/2537, minimum 4.0 mg/L (20th percentile of the samples over 365 days)',
        'Source: NEB 8/2537',
        'Time: 4 Nov 2026 10:00 ICT',
        'Alert: cnx-air-001.air-pm25-24h (rule water.do)',
      ].join('\n'),
    );
    expect(m.text.th).toContain('\nมาตรฐาน: th-sw-do-class3 ฉบับ NEB-8/2537 ไม่ต่ำกว่า 4.0 mg/L (เปอร์เซ็นไทล์ที่ 20 ของตัวอย่างในรอบ 365 วัน)\n');
  });

  it('renders an alert without value or standard (device offline)', () => {
    const m = renderMessage(
      pm25Notification({ ruleId: 'device.offline', ruleName: { en: 'Device offline', th: 'อุปกรณ์ขาดการติดต่อ' }, parameter: null, value: null, unit: null, standard: null, windowFrom: null, windowTo: null, consoleUrl: null }),
    );
    expect(m.text.en).toBe(
      ['[MAJOR] Alert raised: Device offline', 'Station: Chang Phueak, Chiang Mai', 'Device: PM sensor 1 (cnx-air-001)', 'Time: 4 Nov 2026 10:00 ICT', 'Alert: cnx-air-001.air-pm25-24h (rule device.offline)'].join('\n'),
    );
  });

  it('gives a recipient one language, or Thai then English', () => {
    const m = renderMessage(pm25Notification());
    expect(textFor(m, 'en')).toBe(m.text.en);
    expect(textFor(m, 'th')).toBe(m.text.th);
    expect(textFor(m, 'both')).toBe(`${m.text.th}\n\n${m.text.en}`);
    expect(titleFor(m, 'both')).toBe(`${m.title.th} | ${m.title.en}`);
  });
});
