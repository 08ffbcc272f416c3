/** The printable evidence report (index.html): self-contained HTML, Thai and/or English, inline SVG charts. */
import { AQI_BANDS, KPI_GROUP_NAMES, PROJECT_CHOICES, aqiBand, type BilingualText, type CityAssessment, type CityDay, type KpiValue } from '@mueang/core';
import { englishDate, escapeHtml, monthLabel, num, plain, t, tb, thaiDate, type Lang } from './i18n.ts';
import { calendarHeatmap, percentBars, timeChart, type HorizontalBar, type Series } from './svg.ts';

const L = (en: string, th: string): BilingualText => ({ en, th });

const STATUS_TEXT = {
  ok: L('ok', 'ใช้ได้'),
  insufficient_data: L('insufficient data', 'ข้อมูลไม่เพียงพอ'),
};

function xTicks(days: readonly CityDay[], lang: Lang): Array<{ index: number; label: string }> {
  const ticks: Array<{ index: number; label: string }> = [];
  const label = (date: string) => (lang === 'en' ? monthLabel(date, 'en') : monthLabel(date, 'th'));
  if (days.length <= 31) {
    const every = Math.max(1, Math.ceil(days.length / 8));
    days.forEach((d, i) => {
      if (i % every === 0) ticks.push({ index: i, label: `${Number(d.date.slice(8, 10))} ${label(d.date).split(' ')[0]}` });
    });
    return ticks;
  }
  const months = days.filter((d) => d.date.endsWith('-01')).length;
  const every = Math.max(1, Math.ceil(months / 12));
  let m = 0;
  days.forEach((d, i) => {
    if (i === 0 || d.date.endsWith('-01')) {
      if (m % every === 0) ticks.push({ index: i, label: label(d.date) });
      m += 1;
    }
  });
  return ticks;
}

function kpiRow(lang: Lang, k: KpiValue): string {
  const standards = k.standards.map((s) => `${escapeHtml(s.id)} <span class="muted">${escapeHtml(s.version)}</span>`).join('<br>');
  return `<tr class="${k.status === 'ok' ? '' : 'insufficient'}${k.enabled ? '' : ' disabled'}">
<td>${t(lang, k.name)}</td>
<td class="num">${k.value === null ? '—' : num(k.value)}</td>
<td>${escapeHtml(k.unit)}</td>
<td class="num">${num(k.baseline)}</td>
<td class="num">${num(k.target)}</td>
<td class="num">${num(k.weight)}</td>
<td class="num">${num(k.score, 1)}</td>
<td>${t(lang, STATUS_TEXT[k.status])}${k.met ? ' ✓' : ''}${k.enabled ? '' : ` (${t(lang, L('not counted', 'ไม่นับคะแนน'))})`}</td>
<td class="num">${num(k.completeness * 100, 1)} %</td>
<td>${standards || '—'}</td>
</tr>`;
}

function charts(a: CityAssessment, lang: Lang): string {
  const days = a.series;
  const dates = days.map((d) => d.date);
  const ticks = xTicks(days, lang);
  const sections: Array<{ title: BilingualText; svg: string; caption: BilingualText }> = [];
  /** a chart over the period's days */
  const daily = (title: BilingualText, yLabel: string, series: Series[], yMax?: number) =>
    timeChart({ title: plain(lang, title), dates, xTicks: ticks, yLabel, series, ...(yMax === undefined ? {} : { yMax }) });

  sections.push({
    title: L('Daily PM2.5 against the 24-hour standard', 'ค่า PM2.5 รายวันเทียบกับมาตรฐานเฉลี่ย 24 ชั่วโมง'),
    svg: daily(
      L('Daily PM2.5', 'PM2.5 รายวัน'),
      'µg/m³',
      [
        { label: plain(lang, L('mean of stations', 'ค่าเฉลี่ยทุกสถานี')), colour: '#1f5fa8', values: days.map((d) => d.pm25Mean) },
        { label: plain(lang, L('highest station', 'สถานีสูงสุด')), colour: '#888888', dashed: true, values: days.map((d) => d.pm25Max) },
        { label: plain(lang, L('standard (24 h)', 'มาตรฐาน (24 ชม.)')), colour: '#cc0000', step: true, values: days.map((d) => d.pm25Limit) },
      ],
    ),
    caption: L(
      'Station day means from daily rollups; the standard line steps where a new edition came into force (50 → 37.5 µg/m³ on 2023-06-01).',
      'ค่าเฉลี่ยรายวันของสถานี เส้นมาตรฐานเปลี่ยนตามฉบับที่มีผลในแต่ละวัน (50 → 37.5 มคก./ลบ.ม. ตั้งแต่ 1 มิถุนายน 2566)',
    ),
  });

  sections.push({
    title: L('City AQI calendar', 'ปฏิทินดัชนีคุณภาพอากาศของเมือง'),
    svg: calendarHeatmap(
      plain(lang, L('City AQI per day', 'AQI ของเมืองรายวัน')),
      days.map((d) => ({ date: d.date, colour: d.aqi === null ? null : aqiBand(d.aqi).colour.hex, label: `${d.date}: ${d.aqi === null ? '—' : `AQI ${d.aqi}${d.aqiPollutant ? ` (${d.aqiPollutant})` : ''}`}` })),
      (date) => (lang === 'en' ? monthLabel(date, 'en') : monthLabel(date, 'th')),
      AQI_BANDS.map((b) => ({ colour: b.colour.hex, label: `${b.minAqi}${b.maxAqi === undefined ? '+' : `-${b.maxAqi}`} ${plain(lang === 'both' ? 'th' : lang, b.name)}` })),
    ),
    caption: L('Worst station of each day (project choice "city-aqi"); grey: no station with enough data.', 'ค่าของสถานีที่แย่ที่สุดในแต่ละวัน สีเทา: ไม่มีข้อมูลเพียงพอ'),
  });

  if (days.some((d) => d.noiseStationsValid > 0)) {
    sections.push({
      title: L('Noise: Leq 24 h against the general standard', 'ระดับเสียงเฉลี่ย 24 ชั่วโมงเทียบกับมาตรฐานทั่วไป'),
      svg: daily(
        L('Daily noise', 'ระดับเสียงรายวัน'),
        'dBA',
        [
          { label: plain(lang, L('loudest station (Leq 24 h)', 'สถานีที่ดังที่สุด (Leq 24 ชม.)')), colour: '#b05a00', values: days.map((d) => d.noiseLeqMax) },
          { label: plain(lang, L('standard (Leq 24 h)', 'มาตรฐาน (Leq 24 ชม.)')), colour: '#cc0000', step: true, values: days.map((d) => d.noiseLimit) },
        ],
      ),
      caption: L(
        "Energy mean of each station day's readings, 10·log10(mean(10^(L/10))), from the daily rollups; the loudest station of each day. A day settled without its Leq (rolled up before the platform kept it, and decided by the readings' bounds) shows no value.",
        'ค่าเฉลี่ยเชิงพลังงานของระดับเสียงในแต่ละวันของสถานี จากข้อมูลสรุปรายวัน แสดงสถานีที่ดังที่สุดของแต่ละวัน วันที่ตัดสินจากขอบเขตของค่าที่วัดได้โดยไม่มีค่า Leq จะไม่แสดงค่า',
      ),
    });
  }

  const water = a.kpis.find((k) => k.id === 'water.samples-within-class');
  const sites = (water?.details.sites as Array<{ siteName: string; waterClass: number; withinPercent: number; samplesValid: number }> | undefined) ?? [];
  const bars: HorizontalBar[] = sites.map((s) => ({ label: `${s.siteName} (${plain(lang, L('class', 'ประเภท'))} ${s.waterClass})`, value: s.samplesValid > 0 ? s.withinPercent : null, note: `n=${s.samplesValid}` }));
  sections.push({
    title: L('Water samples within the assigned class', 'ตัวอย่างน้ำที่อยู่ในเกณฑ์ตามประเภทแหล่งน้ำ'),
    svg: bars.length > 0 ? percentBars(plain(lang, L('Water class compliance', 'การเป็นไปตามเกณฑ์ประเภทแหล่งน้ำ')), bars, water?.target ?? null, plain(lang, L('target', 'เป้าหมาย')), '#2a8f6a') : '',
    caption: L('Share of valid site-days whose day means meet every limit of the site class (NEB No. 8).', 'ร้อยละของจุดตรวจ-วันที่ค่าเฉลี่ยรายวันเป็นไปตามเกณฑ์ทุกพารามิเตอร์ของประเภทแหล่งน้ำ'),
  });

  const energy = a.kpis.find((k) => k.id === 'energy.consumption-vs-baseline');
  const reference = typeof energy?.details.referenceKwhPerDay === 'number' ? (energy.details.referenceKwhPerDay as number) : null;
  sections.push({
    title: L('Energy use against the baseline', 'การใช้ไฟฟ้าเทียบกับค่าฐาน'),
    svg: daily(
      L('Daily electricity', 'การใช้ไฟฟ้ารายวัน'),
      'kWh',
      [
        { label: plain(lang, L('consumption (valid meters)', 'การใช้ไฟฟ้า (มิเตอร์ที่มีข้อมูล)')), colour: '#7a4fb0', values: days.map((d) => d.energyKwh) },
        { label: plain(lang, L('solar generation', 'ผลิตจากแสงอาทิตย์')), colour: '#e0a100', values: days.map((d) => d.solarKwh) },
        ...(reference === null ? [] : [{ label: plain(lang, L('baseline (kWh/day)', 'ค่าฐาน (kWh/วัน)')), colour: '#cc0000', step: true, dashed: true, values: days.map(() => reference) }]),
      ],
    ),
    caption: L('kWh per day = day mean power × 24 h, summed over the meters with enough data that day.', 'พลังงานไฟฟ้ารายวัน = กำลังไฟฟ้าเฉลี่ยของวัน × 24 ชั่วโมง รวมทุกมิเตอร์ที่มีข้อมูลเพียงพอ'),
  });

  sections.push({
    title: L('Waste collection', 'การจัดเก็บขยะ'),
    svg: daily(
      L('Bins collected on time', 'ถังขยะที่เก็บขนตรงเวลา'),
      '%',
      [
        { label: plain(lang, L('bins collected before full (%)', 'ถังที่เก็บก่อนเต็ม (%)')), colour: '#3b8f3b', bars: true, values: days.map((d) => (d.binsValid > 0 ? (100 * d.binsOnTime) / d.binsValid : null)) },
        { label: plain(lang, L('bins overflowing (%)', 'ถังที่ขยะล้น (%)')), colour: '#cc0000', bars: true, values: days.map((d) => (d.binsValid > 0 && d.binsOverflowing > 0 ? (100 * d.binsOverflowing) / d.binsValid : null)) },
      ],
      100,
    ),
    caption: L('Per day: share of bins with valid data whose highest filling level stayed below the full threshold, and share that overflowed.', 'รายวัน: ร้อยละของถังที่ระดับขยะสูงสุดต่ำกว่าเกณฑ์เต็มถัง และร้อยละของถังที่ขยะล้น'),
  });

  sections.push({
    title: L('Monitoring completeness', 'ความครบถ้วนของการตรวจวัด'),
    svg: daily(
      L('Data completeness per day', 'ความครบถ้วนของข้อมูลรายวัน'),
      '%',
      [
        { label: plain(lang, L('readings received / expected', 'ข้อมูลที่ได้รับ / ที่ควรได้รับ')), colour: '#1f5fa8', values: days.map((d) => (d.devicesExpected > 0 ? d.completeness * 100 : null)) },
        { label: plain(lang, L('devices reporting', 'อุปกรณ์ที่ส่งข้อมูล')), colour: '#2a8f6a', dashed: true, values: days.map((d) => (d.devicesExpected > 0 ? (100 * d.devicesReporting) / d.devicesExpected : null)) },
        { label: plain(lang, L('75 % rule', 'เกณฑ์ร้อยละ 75')), colour: '#cc0000', step: true, dashed: true, values: days.map(() => 75) },
      ],
      100,
    ),
    caption: L('A window or day counts only with at least 75 % of its expected readings (project choice "completeness").', 'ช่วงเวลาหรือวันจะนับเมื่อมีข้อมูลอย่างน้อยร้อยละ 75 ของที่ควรได้รับ'),
  });

  return sections
    .filter((s) => s.svg !== '')
    .map((s) => `<figure><h3>${t(lang, s.title)}</h3>${s.svg}<figcaption>${tb(lang, s.caption)}</figcaption></figure>`)
    .join('\n');
}

const STYLE = `
body{font-family:"Sarabun","Noto Sans Thai","Tahoma",sans-serif;margin:24px auto;max-width:960px;color:#222;line-height:1.45}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #1f5fa8;padding-bottom:2px;margin-top:28px}h3{font-size:14px;margin:12px 0 4px}
.en{color:#555}.thb{display:block}.enb{display:block;color:#555;font-size:92%}
table{border-collapse:collapse;width:100%;font-size:12px}th,td{border:1px solid #ccc;padding:3px 5px;vertical-align:top;text-align:left}
th{background:#eef3fa}.num{text-align:right;white-space:nowrap}.muted{color:#777;font-size:90%}
tr.insufficient td{background:#fff7e6}tr.disabled td{color:#888}
.pass{color:#0a7a2f;font-weight:bold}.fail{color:#b00020;font-weight:bold}
figure{margin:12px 0;page-break-inside:avoid}figcaption{font-size:11px;color:#555}
svg{max-width:100%;height:auto}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table,figure{page-break-inside:avoid}}
`;

function periodLine(a: CityAssessment, lang: Lang): string {
  const th = `ช่วงเวลา: ${thaiDate(a.period.from)} – ${thaiDate(a.period.to)} (${a.period.days} วัน เวลาประเทศไทย)`;
  const en = `Period: ${englishDate(a.period.from)} – ${englishDate(a.period.to)} (${a.period.days} days, Asia/Bangkok)`;
  return `<p>${tb(lang, { th, en })}</p>`;
}

/** The whole report; the same assessment and language give the same string. */
export function renderReport(a: CityAssessment, lang: Lang): string {
  const passText = (ok: boolean) => (ok ? `<span class="pass">${t(lang, L('pass', 'ผ่าน'))}</span>` : `<span class="fail">${t(lang, L('not passed', 'ไม่ผ่าน'))}</span>`);
  const cityName = lang === 'en' ? escapeHtml(a.city.name) : `${escapeHtml(a.city.nameTh ?? a.city.name)}${lang === 'both' && a.city.nameTh ? ` <span class="muted">(${escapeHtml(a.city.name)})</span>` : ''}`;
  const dims = a.dimensions
    .map((d) => `<tr><td>${t(lang, d.name)}</td><td class="num">${num(d.score, 1)} %</td><td class="num">${d.passThreshold} %</td><td>${passText(d.passed)}</td></tr>`)
    .join('\n');
  const rules = a.rules.map((r) => `<li>${passText(r.passed)} ${t(lang, r.description)}</li>`).join('\n');
  const missing = a.missing.length === 0 ? `<p>${t(lang, L('Nothing: every rule passes.', 'ไม่มี: ผ่านทุกเกณฑ์'))}</p>` : `<ol>${a.missing.map((m) => `<li>${tb(lang, m.message)}${m.gainPoints !== undefined && m.kpiId ? ` <span class="muted">(+${num(m.gainPoints, 1)})</span>` : ''}</li>`).join('\n')}</ol>`;
  const kpiTables = a.dimensions
    .map((d) => {
      const rows = a.kpis.filter((k) => k.dimension === d.id).map((k) => kpiRow(lang, k)).join('\n');
      return `<h3>${t(lang, d.name)}</h3><table><thead><tr><th>${t(lang, L('KPI', 'ตัวชี้วัด'))}</th><th>${t(lang, L('Value', 'ค่า'))}</th><th>${t(lang, L('Unit', 'หน่วย'))}</th><th>${t(lang, L('Baseline', 'ค่าฐาน'))}</th><th>${t(lang, L('Target', 'เป้าหมาย'))}</th><th>${t(lang, L('Weight', 'น้ำหนัก'))}</th><th>${t(lang, L('Score', 'คะแนน'))}</th><th>${t(lang, L('Status', 'สถานะ'))}</th><th>${t(lang, L('Data', 'ข้อมูล'))}</th><th>${t(lang, L('Standard (version)', 'มาตรฐาน (ฉบับ)'))}</th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('\n');
  const methods = a.kpis
    .map((k) => {
      const notes = k.notes.map((n) => `<li>${tb(lang, n)}</li>`).join('');
      return `<h3>${t(lang, k.name)} <span class="muted">${escapeHtml(k.id)} · ${t(lang, KPI_GROUP_NAMES[k.group])}</span></h3><p>${tb(lang, k.method)}</p>${notes ? `<ul>${notes}</ul>` : ''}`;
    })
    .join('\n');
  const choices = PROJECT_CHOICES.filter((c) => a.choices.includes(c.id))
    .map((c) => `<li><b>${t(lang, c.title)}</b>${tb(lang, c.choice)}</li>`)
    .join('\n');
  const inputs = a.inputs;
  const inputRows = [
    [L('Population', 'จำนวนประชากร'), num(inputs.population, 0)],
    [L('Expected reporting interval (s): air / water / energy / waste', 'ช่วงเวลาส่งข้อมูลที่คาดหวัง (วินาที): อากาศ / น้ำ / พลังงาน / ขยะ'), `${inputs.reportingIntervalSeconds.air} / ${inputs.reportingIntervalSeconds.water} / ${inputs.reportingIntervalSeconds.energy} / ${inputs.reportingIntervalSeconds.waste}`],
    [L('Energy baseline (kWh/day)', 'ค่าฐานการใช้ไฟฟ้า (kWh/วัน)'), inputs.energyBaselineKwhPerDay === null ? t(lang, L('same period one year earlier', 'ช่วงเวลาเดียวกันของปีก่อน')) : num(inputs.energyBaselineKwhPerDay)],
    [L('Peak demand baseline (kW)', 'ค่าฐานความต้องการไฟฟ้าสูงสุด (kW)'), inputs.energyBaselinePeakKw === null ? t(lang, L('same period one year earlier', 'ช่วงเวลาเดียวกันของปีก่อน')) : num(inputs.energyBaselinePeakKw)],
    [L('Bin full / overflow threshold (%)', 'เกณฑ์ถังเต็ม / ขยะล้น (%)'), `${num(inputs.wasteFullPercent)} / ${num(inputs.wasteOverflowPercent)}`],
  ] as const;
  const title = L('Smart City assessment evidence', 'รายงานหลักฐานการประเมินเมืองอัจฉริยะ');
  return `<!DOCTYPE html>
<html lang="${lang === 'en' ? 'en' : 'th'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(plain(lang, title))} · ${escapeHtml(a.city.name)} · ${a.period.from} – ${a.period.to}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${t(lang, title)}</h1>
<p><b>${cityName}</b> <span class="muted">(${escapeHtml(a.city.id)})</span></p>
${periodLine(a, lang)}
<p class="muted">${tb(lang, L('Data as of the end of the period. Every file of this evidence pack is listed with its SHA-256 in manifest.json; the underlying daily values are in daily.csv and the full result in assessment.json.', 'ข้อมูล ณ สิ้นช่วงเวลา ไฟล์ทุกไฟล์ของชุดหลักฐานมีค่า SHA-256 ใน manifest.json ค่ารายวันอยู่ใน daily.csv และผลทั้งหมดอยู่ใน assessment.json'))}</p>
</header>
<h2>${t(lang, L('Result', 'ผลการประเมิน'))}</h2>
<p>${t(lang, L('Overall score', 'คะแนนรวม'))}: <b>${num(a.overall.score, 1)} %</b> (${t(lang, L('needs', 'เกณฑ์'))} ${a.overall.passThreshold} %) — ${passText(a.passed)}</p>
<table><thead><tr><th>${t(lang, L('Dimension', 'ด้าน'))}</th><th>${t(lang, L('Score', 'คะแนน'))}</th><th>${t(lang, L('Needs', 'เกณฑ์'))}</th><th>${t(lang, L('Result', 'ผล'))}</th></tr></thead><tbody>${dims}</tbody></table>
<h3>${t(lang, L('Certification rules', 'เกณฑ์การรับรอง'))}</h3>
<ul>${rules}</ul>
<h2>${t(lang, L('What is missing to pass', 'สิ่งที่ต้องทำเพื่อให้ผ่านเกณฑ์'))}</h2>
${missing}
<h2>${t(lang, L('Indicators', 'ตัวชี้วัด'))}</h2>
${kpiTables}
<h2>${t(lang, L('Charts', 'แผนภูมิ'))}</h2>
${charts(a, lang)}
<h2>${t(lang, L('Inputs', 'ข้อมูลนำเข้า'))}</h2>
<table><tbody>${inputRows.map(([k, v]) => `<tr><th>${t(lang, k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>
<h2>${t(lang, L('Methods', 'วิธีคำนวณ'))}</h2>
${methods}
<h2>${t(lang, L('Project choices', 'ข้อกำหนดของโครงการ'))}</h2>
<ul>${choices}</ul>
</body>
</html>
`;
}
