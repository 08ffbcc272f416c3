/**
 * Project choices: every rule the reference (thai-standards.md) leaves UNVERIFIED or open, decided once here.
 * The constants are what the code uses; PROJECT_CHOICES describes each for reports and evidence packs.
 */
import { DAY_MS } from '../time.ts';
import type { BilingualText } from './types.ts';

/**
 * A window counts only when at least 75 % of its expected sample slots hold a valid sample.
 * Why: the reference marks completeness rules UNVERIFIED (§1.1 notes, §2.4); DESIGN.md fixes 75 %, which is also
 * the common practice of 18 valid hours in 24 (general knowledge, not a Thai source).
 */
export const MIN_COMPLETENESS = 0.75;

/**
 * Surface-water percentile limits (DO P20, BOD/coliform P80) are judged over the samples of the last 365 days.
 * Why: the reference gives the P20/P80 labels but not the sample window (§3.2, UNVERIFIED); a year covers the wet and
 * dry seasons and matches its own example ("e.g. a year of monitoring").
 */
export const SURFACE_WATER_SAMPLE_WINDOW_MS = 365 * DAY_MS;

/** How a city's AQI is combined from its stations: the worst station is the headline, the median is reported too. */
export const CITY_AQI_METHOD = 'worst-station-with-median' as const;

/** One colour per AQI band (1 = very good ... 5 = affects health). */
export interface AqiColour {
  band: 1 | 2 | 3 | 4 | 5;
  hex: string;
  rgb: [number, number, number];
  name: BilingualText;
}

/**
 * The RGB values of kongkiatchanu/pm2_5 (reference §2.1, [GH-KONG-DEF]), the only palette there with a named
 * source; the colour names blue/green/yellow/orange/red are the official ones ([SUT-AQI], [THGOV-AQI]).
 */
export const AQI_PALETTE: readonly AqiColour[] = [
  { band: 1, hex: '#00BFF3', rgb: [0, 191, 243], name: { en: 'blue', th: 'ฟ้า' } },
  { band: 2, hex: '#00A651', rgb: [0, 166, 81], name: { en: 'green', th: 'เขียว' } },
  { band: 3, hex: '#FDC04E', rgb: [253, 192, 78], name: { en: 'yellow', th: 'เหลือง' } },
  { band: 4, hex: '#F26522', rgb: [242, 101, 34], name: { en: 'orange', th: 'ส้ม' } },
  { band: 5, hex: '#CD0000', rgb: [205, 0, 0], name: { en: 'red', th: 'แดง' } },
];

/**
 * Placeholder start for editions whose start date the reference does not give (e.g. the PCD ambient table rows
 * other than PM2.5): they are treated as in force for all data the platform holds.
 */
export const UNDATED_EDITION_FROM = '1970-01-01';

export interface ProjectChoice {
  id: string;
  title: BilingualText;
  choice: BilingualText;
  /** why, with the reference section that leaves the point open */
  reason: string;
  /** ids of the standards this choice is about (every standard shipped with status UNVERIFIED is listed by one) */
  standardIds?: readonly string[];
}

export const PROJECT_CHOICES: readonly ProjectChoice[] = [
  {
    id: 'completeness',
    title: { en: 'Data completeness', th: 'ความครบถ้วนของข้อมูล' },
    choice: {
      en:
        'A window is evaluated only when at least 75 % of its expected samples are present. Expected samples = window ' +
        'length / the device\'s expected sample interval, counted as time slots holding at least one valid sample ' +
        '(so a burst of readings cannot fill a window). Otherwise the result is "insufficient data", never a pass.',
      th:
        'ประเมินช่วงเวลาเฉลี่ยเฉพาะเมื่อมีข้อมูลอย่างน้อยร้อยละ 75 ของจำนวนที่ควรได้รับ ' +
        'มิฉะนั้นรายงานว่า "ข้อมูลไม่เพียงพอ" และไม่นับว่าผ่านเกณฑ์',
    },
    reason: 'Completeness rules are UNVERIFIED in the reference (§1.1 notes, §2.4); DESIGN.md fixes 75 %.',
  },
  {
    id: 'slot-weighting',
    title: { en: 'Irregular sampling', th: 'การสุ่มตัวอย่างไม่สม่ำเสมอ' },
    choice: {
      en:
        'Means and Leq first average the samples inside each expected-interval slot, then average the slots, so a ' +
        'device that reported faster for a while does not weigh more. Max and percentiles use every sample.',
      th: 'ค่าเฉลี่ยและ Leq เฉลี่ยข้อมูลภายในแต่ละช่วงเวลาย่อยก่อน แล้วจึงเฉลี่ยทุกช่วง เพื่อไม่ให้ช่วงที่ส่งข้อมูลถี่มีน้ำหนักมากกว่า',
    },
    reason: 'The reference defines Leq over "equal-length intervals covering 24 h" (§5); the same time weighting is applied to means.',
  },
  {
    id: 'window-boundaries',
    title: { en: 'Window boundaries', th: 'ขอบเขตช่วงเวลา' },
    choice: {
      en:
        'A rolling window ending at t covers (t − period, t]: it includes the reading at t. Calendar days, months and ' +
        'years are Asia/Bangkok periods [start, end). A window is judged by the standard edition in force on the ' +
        'Asia/Bangkok day of its last instant.',
      th: 'ช่วงเวลาเลื่อนที่สิ้นสุด ณ เวลา t ครอบคลุม (t − ระยะเวลา, t]; วัน เดือน ปี ใช้เวลาประเทศไทย; ใช้มาตรฐานที่มีผลในวันสุดท้ายของช่วง',
    },
    reason: 'Not specified in the reference; this makes consecutive windows tile without overlap.',
  },
  {
    id: 'twenty-four-hour-rolling',
    title: { en: '24-hour averages', th: 'ค่าเฉลี่ย 24 ชั่วโมง' },
    choice: {
      en:
        '24-hour standards (PM2.5, PM10, TSP, SO2) and the AQI use a rolling 24-hour mean updated with every reading, ' +
        'as Air4Thai does. Daily KPIs use calendar-day means (calendarDayMean).',
      th: 'มาตรฐานเฉลี่ย 24 ชั่วโมงใช้ค่าเฉลี่ยเคลื่อนที่ 24 ชั่วโมงแบบ Air4Thai; ตัวชี้วัดรายวันใช้ค่าเฉลี่ยตามวันปฏิทิน',
    },
    reason: 'Reference §2.5 ([PCD-CAPM]): Air4Thai shows a 24-hour average updated every hour.',
  },
  {
    id: 'eight-hour-rolling',
    title: { en: '8-hour averages', th: 'ค่าเฉลี่ย 8 ชั่วโมง' },
    choice: {
      en: 'O3 and CO 8-hour values are rolling means over the 8 hours ending at the evaluation time, for the standards and the AQI.',
      th: 'ค่าเฉลี่ย 8 ชั่วโมงของ O3 และ CO เป็นค่าเฉลี่ยเคลื่อนที่ ทั้งสำหรับมาตรฐานและดัชนีคุณภาพอากาศ',
    },
    reason:
      'Rolling vs fixed blocks for compliance is UNVERIFIED (§1.1 notes); the AQI describes the 8 h value as "8 hours continuous" (§2.2).',
  },
  {
    id: 'annual-statistic',
    title: { en: 'Annual and monthly standards', th: 'มาตรฐานรายปีและรายเดือน' },
    choice: {
      en:
        'The "1 yr" value is the arithmetic mean over the Asia/Bangkok calendar year; lead\'s "1 month" value the ' +
        'arithmetic mean over the calendar month.',
      th: 'ค่าเฉลี่ย 1 ปีเป็นค่าเฉลี่ยเลขคณิตตามปีปฏิทิน; ตะกั่วเฉลี่ย 1 เดือนตามเดือนปฏิทิน',
    },
    reason: 'The reference assumes the arithmetic mean and marks it UNVERIFIED (§0, §1.1 notes).',
  },
  {
    id: 'comparison-rounding',
    title: { en: 'Rounding before comparison', th: 'การปัดเศษก่อนเทียบมาตรฐาน' },
    choice: {
      en:
        'The window statistic is rounded half-up before it is compared with the limit: to the resolution of the Thai ' +
        'AQI table for the six AQI pollutants (so AQI ≤ 100 exactly when the standard is met), to 0.1 for pH, ' +
        'otherwise to the decimals the limit is published with.',
      th: 'ปัดเศษค่าสถิติ (ปัดครึ่งขึ้น) ตามความละเอียดของตาราง AQI หรือของค่ามาตรฐานที่ประกาศ ก่อนเทียบกับมาตรฐาน',
    },
    reason: 'The reference gives no rounding rule for compliance; consistency with the AQI rounding (§2.4) is the design goal.',
  },
  {
    id: 'aqi-input-rounding',
    title: { en: 'AQI input rounding', th: 'การปัดเศษความเข้มข้นก่อนคำนวณ AQI' },
    choice: {
      en:
        'Concentrations are rounded half-up to the resolution of the table before the band is chosen: PM2.5 0.1 µg/m³ ' +
        '(2023 table) or 1 µg/m³ (earlier table), PM10 1 µg/m³, O3/NO2/SO2 1 ppb, CO 0.1 ppm.',
      th: 'ปัดเศษความเข้มข้นตามความละเอียดของตารางก่อนเลือกช่วง เช่น PM2.5 ทศนิยม 1 ตำแหน่ง, CO ทศนิยม 1 ตำแหน่ง',
    },
    reason: 'Rounding of the input is open in the reference (§2.4, "round input to the table\'s resolution" suggested).',
  },
  {
    id: 'aqi-result-rounding',
    title: { en: 'AQI result rounding', th: 'การปัดเศษค่า AQI' },
    choice: { en: 'Sub-indices are rounded half-up to an integer; the AQI is the largest rounded sub-index.', th: 'ปัดค่าดัชนีย่อยเป็นจำนวนเต็ม (ปัดครึ่งขึ้น) แล้วใช้ค่าสูงสุด' },
    reason: 'Open in the reference (§2.4, "then round the AQI to an integer" suggested).',
  },
  {
    id: 'aqi-legacy-gaps',
    title: { en: 'Gaps in the pre-2023 PM2.5 table', th: 'ช่องว่างในตาราง PM2.5 ก่อนปี 2566' },
    choice: {
      en:
        'The pre-2023 PM2.5 breakpoints are integers (26–37, 38–50). Concentrations are rounded to an integer first, so ' +
        '37.4 µg/m³ → 37 → AQI 50 and 37.5 → 38 → AQI 51; no value falls between bands.',
      th: 'ตาราง PM2.5 เดิมเป็นจำนวนเต็ม จึงปัดเศษความเข้มข้นเป็นจำนวนเต็มก่อน เช่น 37.4 → 37 → AQI 50',
    },
    reason: 'Implementations differ and which one PCD used is UNVERIFIED (§2.3).',
  },
  {
    id: 'aqi-above-200',
    title: { en: 'AQI above 200', th: 'AQI เกิน 200' },
    choice: {
      en:
        'The official tables give only a lower bound for the red band. A number above 200 extends the 101–200 slope ' +
        'from (first red breakpoint, 201), has no upper cap, and is flagged non-official; the band is reported as "> 200".',
      th: 'ตารางทางการไม่มีขอบบนของช่วงสีแดง ค่าเกิน 200 คำนวณโดยต่อความชันของช่วง 101–200 และระบุว่าไม่ใช่ค่าทางการ',
    },
    reason: 'Recommendation of the reference (§2.4 open points); other implementations diverge (201–300, 201–500, 1 AQI per µg/m³).',
  },
  {
    id: 'aqi-table-switch',
    title: { en: 'AQI table by date', th: 'การเลือกตาราง AQI ตามวันที่' },
    choice: {
      en:
        'The 2023 table applies from 2023-06-01 (Asia/Bangkok day of the evaluation time); before that the earlier table ' +
        '(PM2.5 0–25/26–37/38–50/51–90/91+; other rows as 2023, PARTIAL). The six-level index used before about 2018 is not implemented.',
      th: 'ใช้ตาราง AQI ปี 2566 ตั้งแต่วันที่ 1 มิถุนายน 2566 ก่อนหน้านั้นใช้ตารางเดิม',
    },
    reason: 'Reference §2.2, §2.3, §9.1; the old gas rows come from unnamed code only (PARTIAL).',
  },
  {
    id: 'aqi-palette',
    title: { en: 'AQI colours', th: 'สีของ AQI' },
    choice: {
      en: 'Blue #00BFF3, green #00A651, yellow #FDC04E, orange #F26522, red #CD0000 (kongkiatchanu/pm2_5).',
      th: 'ฟ้า #00BFF3, เขียว #00A651, เหลือง #FDC04E, ส้ม #F26522, แดง #CD0000',
    },
    reason: 'No official RGB values were found (§2.1, UNVERIFIED); this palette is the one with a named source.',
  },
  {
    id: 'city-aqi',
    title: { en: 'City AQI', th: 'AQI ระดับเมือง' },
    choice: {
      en:
        "The city AQI is the worst station's AQI (with that station and its responsible pollutant named), as Air4Thai's " +
        'worst-station reporting does; the median station AQI and the station count are reported alongside.',
      th: 'AQI ของเมืองใช้ค่าของสถานีที่แย่ที่สุด พร้อมรายงานค่ามัธยฐานของทุกสถานีและจำนวนสถานี',
    },
    reason: 'No official city aggregation was found in the reference; the worst station is the protective choice.',
  },
  {
    id: 'percentile-method',
    title: { en: 'Percentile method', th: 'วิธีคำนวณเปอร์เซ็นไทล์' },
    choice: {
      en:
        'Linear interpolation between closest ranks (Hyndman–Fan type 7, as in Excel PERCENTILE.INC and NumPy): with n ' +
        'sorted values x, h = (n − 1)·p/100 and P = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).',
      th: 'ใช้การประมาณค่าเชิงเส้นระหว่างอันดับ (Hyndman–Fan แบบที่ 7)',
    },
    reason: 'The reference gives P20/P80 labels but not the method (§3.2).',
  },
  {
    id: 'surface-water-window',
    title: { en: 'Surface-water sample window', th: 'ช่วงเวลาของชุดตัวอย่างน้ำผิวดิน' },
    choice: {
      en:
        'DO (P20, minimum) and BOD / coliforms (P80, maximum) are judged over the samples of the last 365 days. Rows ' +
        'without a statistic (pH, nutrients, metals) judge each sample. A single reading against a percentile limit is only indicative.',
      th: 'DO (P20) และ BOD/โคลิฟอร์ม (P80) ประเมินจากตัวอย่างในรอบ 365 วัน; พารามิเตอร์อื่นประเมินทีละตัวอย่าง',
    },
    reason: 'The sample window is UNVERIFIED (§3.2, §9.4).',
  },
  {
    id: 'pm25-annual-date',
    title: { en: 'PM2.5 annual standard date', th: 'วันที่มีผลของมาตรฐาน PM2.5 รายปี' },
    choice: {
      en: 'The annual PM2.5 standard changes from 25 to 15 µg/m³ on 2022-07-09, the Royal Gazette publication day reported by [NATION-2022b].',
      th: 'มาตรฐาน PM2.5 เฉลี่ย 1 ปี เปลี่ยนจาก 25 เป็น 15 มคก./ลบ.ม. ตั้งแต่ 9 กรกฎาคม 2565 (วันประกาศในราชกิจจานุเบกษา)',
    },
    reason: 'The reference gives "publication in the Royal Gazette, July 2022" and names 9 July from one report (§1.1, §9.1); the exact day is UNVERIFIED.',
  },
  {
    id: 'undated-editions',
    title: { en: 'Editions without a start date', th: 'มาตรฐานที่ไม่ทราบวันเริ่มใช้' },
    choice: {
      en:
        'Where the reference gives no start date (ambient rows other than PM2.5, water, noise, effluent), the edition is ' +
        'treated as in force from 1970-01-01, i.e. for all stored data. The pre-2023 PM2.5 24 h and annual rows start at 2010-01-01 (NEB No. 36, B.E. 2553; day UNVERIFIED).',
      th: 'มาตรฐานที่ไม่ทราบวันเริ่มใช้ ถือว่ามีผลกับข้อมูลทั้งหมด',
    },
    reason: 'Start dates of these notifications were not part of the research (reference §1–§6).',
  },
  {
    id: 'max-on-partial-data',
    title: { en: 'Exceedance on partial data', th: 'การเกินมาตรฐานเมื่อข้อมูลไม่ครบ' },
    choice: {
      en:
        'For maximum-type limits (statistic "max") a reading above the limit is an exceedance even when the window is ' +
        'incomplete (it is flagged partial); a pass still needs a complete window.',
      th: 'สำหรับมาตรฐานค่าสูงสุด หากพบค่าเกินถือว่าเกินมาตรฐานแม้ข้อมูลไม่ครบ แต่การผ่านเกณฑ์ต้องมีข้อมูลครบ',
    },
    reason: 'A missing reading cannot undo an observed exceedance; DESIGN.md only forbids a pass on insufficient data.',
  },
  {
    id: 'unverified-values',
    title: { en: 'Values the reference marks UNVERIFIED', th: 'ค่าที่เอกสารอ้างอิงระบุว่ายังไม่ได้ยืนยัน' },
    choice: {
      en:
        'They are shipped with status "UNVERIFIED" so that alerts and evidence can label results from them as ' +
        'indicative: effluent building type C (general knowledge only) and the surface-water cadmium split by hardness ' +
        '(0.005 mg/L for hardness ≤ 100 mg/L as CaCO3, 0.05 mg/L above; the values are read, the footnotes giving the ' +
        'condition are not). Building types D and E and the surface-water temperature rule (n′) are not shipped.',
      th:
        'ค่าเหล่านี้มีสถานะ "UNVERIFIED" และผลที่ได้ต้องระบุว่าเป็นค่าบ่งชี้เท่านั้น ได้แก่ มาตรฐานน้ำทิ้งอาคารประเภท ค ' +
        'และแคดเมียมในแหล่งน้ำผิวดินตามความกระด้างของน้ำ',
    },
    reason: 'Reference §3.2 (cadmium footnotes not retrieved) and §4.1 ("(U)" values for building types C-E).',
    standardIds: [
      ...[2, 3, 4].flatMap((c) => [`th-sw-cd-class${c}-hardness-le100`, `th-sw-cd-class${c}-hardness-gt100`]),
      ...['ph', 'bod', 'ss', 'sulfide', 'tkn', 'oil-grease'].map((p) => `th-eff-bldg-${p}-type-c`),
    ],
  },
  {
    id: 'noise',
    title: { en: 'Noise', th: 'เสียง' },
    choice: {
      en:
        'Leq 24 h = 10·log10(mean(10^(L/10))) over a rolling 24 h of the "noise" readings; the 115 dBA maximum is checked ' +
        'on every reading. Readings that are short-interval Leq values understate Lmax, so a pass on Lmax is indicative.',
      th: 'Leq 24 ชั่วโมงคำนวณจากค่าระดับเสียงในรอบ 24 ชั่วโมง; ค่าสูงสุด 115 dBA ตรวจทุกค่าที่วัดได้',
    },
    reason: 'The PCD calculation method (interval length, completeness) was not read (§5, UNVERIFIED).',
  },
];
