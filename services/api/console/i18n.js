// Thai and English labels, and formatting of dates and numbers for the chosen language.
// Dates are Asia/Bangkok; Thai dates use the Buddhist Era (th-TH-u-ca-buddhist).

/** @typedef {'th' | 'en'} Lang */

const STORAGE_KEY = 'mueang.console.lang';
export const TIME_ZONE = 'Asia/Bangkok';

/** @type {Record<string, { en: string, th: string }>} */
const LABELS = {
  appName: { en: 'Mueang operator console', th: 'ระบบติดตามเมือง สำหรับเจ้าหน้าที่' },
  skipToContent: { en: 'Skip to content', th: 'ข้ามไปยังเนื้อหา' },
  language: { en: 'ภาษาไทย', th: 'English' },
  languageHint: { en: 'Switch the console to Thai', th: 'เปลี่ยนเป็นภาษาอังกฤษ' },
  city: { en: 'City', th: 'เมือง' },
  navOverview: { en: 'Overview', th: 'ภาพรวม' },
  navAlerts: { en: 'Alerts', th: 'การแจ้งเตือน' },
  navAssessment: { en: 'Assessment', th: 'การประเมิน' },
  mainNav: { en: 'Main', th: 'เมนูหลัก' },
  signIn: { en: 'Sign in', th: 'เข้าสู่ระบบ' },
  signOut: { en: 'Sign out', th: 'ออกจากระบบ' },
  apiKey: { en: 'API key', th: 'คีย์ API' },
  apiKeyHelp: {
    en: 'Paste the API key an administrator gave you. It is kept in this browser tab only and forgotten when the tab is closed.',
    th: 'วางคีย์ API ที่ได้รับจากผู้ดูแลระบบ คีย์จะถูกเก็บไว้ในแท็บนี้เท่านั้น และจะถูกลบเมื่อปิดแท็บ',
  },
  signedInAs: { en: 'Signed in as', th: 'เข้าสู่ระบบในชื่อ' },
  role: { en: 'Role', th: 'บทบาท' },
  role_admin: { en: 'administrator', th: 'ผู้ดูแลระบบ' },
  role_operator: { en: 'operator', th: 'เจ้าหน้าที่ปฏิบัติการ' },
  role_viewer: { en: 'viewer (read only)', th: 'ผู้ชม (อ่านอย่างเดียว)' },
  loading: { en: 'Loading…', th: 'กำลังโหลด…' },
  retry: { en: 'Retry', th: 'ลองอีกครั้ง' },
  errorTitle: { en: 'Something went wrong', th: 'เกิดข้อผิดพลาด' },
  noCities: { en: 'This API key cannot see any city.', th: 'คีย์ API นี้ไม่สามารถเข้าถึงเมืองใดได้' },
  updatedAt: { en: 'Updated', th: 'ปรับปรุงเมื่อ' },
  refresh: { en: 'Refresh', th: 'รีเฟรช' },
  // overview
  cityAqi: { en: 'City air quality (Thai AQI)', th: 'คุณภาพอากาศของเมือง (AQI ประเทศไทย)' },
  worstStation: { en: 'Worst station', th: 'สถานีที่ค่าสูงสุด' },
  medianAqi: { en: 'Median of stations', th: 'ค่ากลางของสถานี' },
  responsiblePollutant: { en: 'Responsible pollutant', th: 'สารมลพิษหลัก' },
  aqiLegend: { en: 'Thai AQI bands', th: 'ระดับคุณภาพอากาศ' },
  aqiNoData: { en: 'No AQI (not enough data)', th: 'ไม่มีค่า AQI (ข้อมูลไม่พอ)' },
  map: { en: 'Map of stations and sites', th: 'แผนที่สถานีและจุดตรวจวัด' },
  mapDescription: { en: 'Positions drawn from the site coordinates. Air stations are circles coloured by their AQI band.', th: 'ตำแหน่งวาดจากพิกัดของจุดตรวจวัด สถานีอากาศเป็นวงกลมตามสีระดับ AQI' },
  mapNoCoordinates: { en: 'No site has coordinates yet.', th: 'ยังไม่มีจุดตรวจวัดที่มีพิกัด' },
  stations: { en: 'Air quality stations', th: 'สถานีตรวจวัดคุณภาพอากาศ' },
  station: { en: 'Station', th: 'สถานี' },
  site: { en: 'Site', th: 'จุดตรวจวัด' },
  device: { en: 'Device', th: 'อุปกรณ์' },
  aqi: { en: 'AQI', th: 'AQI' },
  band: { en: 'Band', th: 'ระดับ' },
  deviceStatus: { en: 'Device status', th: 'สถานะอุปกรณ์' },
  lastSeen: { en: 'Last reading', th: 'ข้อมูลล่าสุด' },
  reporting_reporting: { en: 'Reporting', th: 'ส่งข้อมูลปกติ' },
  reporting_silent: { en: 'Silent', th: 'ไม่ส่งข้อมูล' },
  reporting_never: { en: 'No data yet', th: 'ยังไม่มีข้อมูล' },
  reporting_revoked: { en: 'Revoked', th: 'ถูกเพิกถอน' },
  devicesReporting: { en: 'Devices reporting', th: 'อุปกรณ์ที่ส่งข้อมูล' },
  water: { en: 'Water quality (class compliance)', th: 'คุณภาพน้ำ (ตามประเภทแหล่งน้ำ)' },
  waterClass: { en: 'Class', th: 'ประเภท' },
  water_compliant: { en: 'Within class', th: 'อยู่ในเกณฑ์' },
  'water_non-compliant': { en: 'Outside class', th: 'เกินเกณฑ์' },
  'water_insufficient-data': { en: 'Not enough data', th: 'ข้อมูลไม่พอ' },
  'water_not-assessed': { en: 'No class limits', th: 'ไม่มีเกณฑ์ของประเภทนี้' },
  waterNote: { en: 'Indicative: 24 h means against the limits of the assigned class; the formal verdict is in the assessment.', th: 'ค่าบ่งชี้: ค่าเฉลี่ย 24 ชั่วโมงเทียบกับเกณฑ์ของประเภทแหล่งน้ำ ผลอย่างเป็นทางการอยู่ในการประเมิน' },
  energy: { en: 'Energy (consumption vs baseline)', th: 'พลังงาน (การใช้เทียบกับค่าฐาน)' },
  kwhLast24h: { en: 'Last 24 h (kWh)', th: '24 ชม. ล่าสุด (kWh)' },
  baseline: { en: 'Baseline (kWh/day)', th: 'ค่าฐาน (kWh/วัน)' },
  change: { en: 'Change', th: 'เปลี่ยนแปลง' },
  energyNote: { en: 'Baseline: mean of the valid days among the last 14.', th: 'ค่าฐาน: ค่าเฉลี่ยของวันที่มีข้อมูลครบใน 14 วันที่ผ่านมา' },
  waste: { en: 'Waste (bins needing collection)', th: 'ขยะ (ถังที่ต้องจัดเก็บ)' },
  bins: { en: 'Bins', th: 'จำนวนถัง' },
  needCollection: { en: 'Need collection', th: 'ต้องจัดเก็บ' },
  overflowing: { en: 'Overflowing', th: 'ล้น' },
  fullest: { en: 'Fullest bin', th: 'ถังที่เต็มที่สุด' },
  wasteNote: { en: 'A bin needs collection at {full} % full.', th: 'ถังต้องจัดเก็บเมื่อเต็ม {full} %' },
  noneHere: { en: 'None in this city.', th: 'ไม่มีในเมืองนี้' },
  notAvailable: { en: 'n/a', th: 'ไม่มี' },
  // station
  backToOverview: { en: 'Back to the overview', th: 'กลับไปหน้าภาพรวม' },
  range: { en: 'Range', th: 'ช่วงเวลา' },
  range_24h: { en: 'Last 24 h', th: '24 ชั่วโมง' },
  range_7d: { en: 'Last 7 days', th: '7 วัน' },
  range_30d: { en: 'Last 30 days', th: '30 วัน' },
  completeness: { en: 'Data completeness', th: 'ความครบถ้วนของข้อมูล' },
  standard: { en: 'Standard', th: 'มาตรฐาน' },
  standardLine: { en: 'Standard limit', th: 'ค่ามาตรฐาน' },
  hourlyMean: { en: 'Hourly mean', th: 'ค่าเฉลี่ยรายชั่วโมง' },
  rollingMean: { en: 'Rolling mean', th: 'ค่าเฉลี่ยต่อเนื่อง' },
  hourlyLeq: { en: 'Hourly Leq', th: 'ระดับเสียงเฉลี่ย (Leq) รายชั่วโมง' },
  rollingLeq: { en: 'Rolling Leq', th: 'ระดับเสียงเฉลี่ย (Leq) ต่อเนื่อง' },
  noStandard: { en: 'No standard applies.', th: 'ไม่มีค่ามาตรฐานที่ใช้' },
  latest: { en: 'Latest', th: 'ล่าสุด' },
  highest: { en: 'Highest', th: 'สูงสุด' },
  noTrendData: { en: 'No readings in this range.', th: 'ไม่มีข้อมูลในช่วงเวลานี้' },
  chartSummary: { en: '{param}: {count} hourly means, latest {latest} {unit}, highest {max} {unit}.', th: '{param}: ค่าเฉลี่ยรายชั่วโมง {count} ค่า ล่าสุด {latest} {unit} สูงสุด {max} {unit}' },
  limitMax: { en: 'at most {value} {unit}', th: 'ไม่เกิน {value} {unit}' },
  limitMin: { en: 'at least {value} {unit}', th: 'ไม่น้อยกว่า {value} {unit}' },
  expectedInterval: { en: 'Expected every {seconds} s', th: 'ส่งข้อมูลทุก {seconds} วินาที' },
  subIndices: { en: 'Sub-indices', th: 'ดัชนีย่อย' },
  missingPollutants: { en: 'Not measured', th: 'ไม่ได้ตรวจวัด' },
  // alerts
  activeAlerts: { en: 'Active alerts', th: 'การแจ้งเตือนที่ยังเกิดอยู่' },
  alertHistory: { en: 'Alert history', th: 'ประวัติการแจ้งเตือน' },
  noActiveAlerts: { en: 'No active alerts.', th: 'ไม่มีการแจ้งเตือนที่ยังเกิดอยู่' },
  noAlertHistory: { en: 'No alerts in the last 30 days.', th: 'ไม่มีการแจ้งเตือนใน 30 วันที่ผ่านมา' },
  live: { en: 'Live', th: 'อัปเดตสด' },
  liveConnecting: { en: 'Connecting…', th: 'กำลังเชื่อมต่อ…' },
  liveInterrupted: { en: 'Live updates interrupted; reconnecting…', th: 'การอัปเดตสดขัดข้อง กำลังเชื่อมต่อใหม่…' },
  severity: { en: 'Severity', th: 'ความรุนแรง' },
  severity_critical: { en: 'Critical', th: 'วิกฤต' },
  severity_major: { en: 'Major', th: 'สูง' },
  severity_minor: { en: 'Minor', th: 'ปานกลาง' },
  severity_warning: { en: 'Warning', th: 'เฝ้าระวัง' },
  severity_info: { en: 'Info', th: 'ข้อมูล' },
  rule: { en: 'Alert', th: 'การแจ้งเตือน' },
  value: { en: 'Value', th: 'ค่า' },
  since: { en: 'Since', th: 'ตั้งแต่' },
  clearedAt: { en: 'Cleared', th: 'สิ้นสุดเมื่อ' },
  state: { en: 'State', th: 'สถานะ' },
  status_active_unacknowledged: { en: 'Active, not acknowledged', th: 'เกิดอยู่ ยังไม่รับทราบ' },
  status_active_acknowledged: { en: 'Active, acknowledged', th: 'เกิดอยู่ รับทราบแล้ว' },
  status_cleared_unacknowledged: { en: 'Cleared, not acknowledged', th: 'สิ้นสุดแล้ว ยังไม่รับทราบ' },
  status_cleared_acknowledged: { en: 'Cleared, acknowledged', th: 'สิ้นสุดแล้ว รับทราบแล้ว' },
  acknowledgedBy: { en: 'Acknowledged by {who}', th: 'รับทราบโดย {who}' },
  assignee: { en: 'Assigned to', th: 'ผู้รับผิดชอบ' },
  unassigned: { en: 'Unassigned', th: 'ยังไม่มอบหมาย' },
  acknowledge: { en: 'Acknowledge', th: 'รับทราบ' },
  assign: { en: 'Assign', th: 'มอบหมาย' },
  assignTo: { en: 'Assign to (name)', th: 'มอบหมายให้ (ชื่อ)' },
  showHistory: { en: 'History', th: 'ประวัติ' },
  hideHistory: { en: 'Hide history', th: 'ซ่อนประวัติ' },
  viewerCannotAct: { en: 'Your key is read-only: acknowledging and assigning need an operator key.', th: 'คีย์ของคุณอ่านได้อย่างเดียว การรับทราบและมอบหมายต้องใช้คีย์ของเจ้าหน้าที่ปฏิบัติการ' },
  newAlert: { en: 'New alert: {rule} at {where}', th: 'การแจ้งเตือนใหม่: {rule} ที่ {where}' },
  alertCleared: { en: 'Alert cleared: {rule} at {where}', th: 'การแจ้งเตือนสิ้นสุด: {rule} ที่ {where}' },
  alertAcknowledged: { en: 'Alert acknowledged: {rule} at {where}', th: 'รับทราบการแจ้งเตือน: {rule} ที่ {where}' },
  transition_raised: { en: 'Raised', th: 'เกิดการแจ้งเตือน' },
  transition_escalated: { en: 'Escalated', th: 'ยกระดับ' },
  transition_reminder: { en: 'Reminder sent', th: 'ส่งการเตือนซ้ำ' },
  transition_cleared: { en: 'Cleared', th: 'สิ้นสุด' },
  transition_acknowledged: { en: 'Acknowledged', th: 'รับทราบ' },
  transition_assigned: { en: 'Assigned', th: 'มอบหมาย' },
  transition_severity_changed: { en: 'Severity changed', th: 'เปลี่ยนความรุนแรง' },
  by: { en: 'by', th: 'โดย' },
  alertNotInCity: { en: 'Alert {id} is not in this city.', th: 'ไม่พบการแจ้งเตือน {id} ในเมืองนี้' },
  // assessment
  assessmentTitle: { en: 'Smart City assessment', th: 'การประเมินเมืองอัจฉริยะ' },
  period: { en: 'Period', th: 'ช่วงเวลา' },
  overallScore: { en: 'Overall score', th: 'คะแนนรวม' },
  passes: { en: 'Passes', th: 'ผ่าน' },
  fails: { en: 'Does not pass', th: 'ไม่ผ่าน' },
  passThreshold: { en: 'pass at {value} %', th: 'ผ่านที่ {value} %' },
  dimensions: { en: 'Dimensions', th: 'ด้าน' },
  dimension: { en: 'Dimension', th: 'ด้าน' },
  score: { en: 'Score', th: 'คะแนน' },
  result: { en: 'Result', th: 'ผล' },
  kpis: { en: 'Indicators (KPIs)', th: 'ตัวชี้วัด' },
  kpi: { en: 'Indicator', th: 'ตัวชี้วัด' },
  target: { en: 'Target', th: 'เป้าหมาย' },
  met: { en: 'Met', th: 'บรรลุ' },
  notMet: { en: 'Not met', th: 'ไม่บรรลุ' },
  insufficientData: { en: 'Insufficient data', th: 'ข้อมูลไม่เพียงพอ' },
  rules: { en: 'Certification rules', th: 'เกณฑ์การรับรอง' },
  missing: { en: 'What is missing to pass', th: 'สิ่งที่ยังขาดเพื่อให้ผ่าน' },
  nothingMissing: { en: 'Nothing: every rule passes.', th: 'ไม่มี ผ่านทุกเกณฑ์แล้ว' },
  evidencePack: { en: 'Evidence pack', th: 'ชุดหลักฐาน' },
  downloadEvidence: { en: 'Download the evidence pack (.tar)', th: 'ดาวน์โหลดชุดหลักฐาน (.tar)' },
  evidenceFiles: { en: 'Files and their SHA-256', th: 'ไฟล์และค่า SHA-256' },
  download: { en: 'Download', th: 'ดาวน์โหลด' },
  downloading: { en: 'Preparing the download…', th: 'กำลังเตรียมไฟล์…' },
  downloaded: { en: 'Downloaded {name}.', th: 'ดาวน์โหลด {name} แล้ว' },
  // errors
  error401: { en: 'The API key was not accepted. Sign in again.', th: 'คีย์ API ไม่ถูกต้อง กรุณาเข้าสู่ระบบอีกครั้ง' },
  error403: { en: 'Your API key does not allow this.', th: 'คีย์ API ของคุณไม่มีสิทธิ์ทำรายการนี้' },
  errorNetwork: { en: 'The API cannot be reached. Check the connection and retry.', th: 'ไม่สามารถติดต่อ API ได้ ตรวจสอบการเชื่อมต่อแล้วลองอีกครั้ง' },
};

/** @type {Lang} */
let current = initialLang();
/** @type {Set<() => void>} */
const listeners = new Set();

/** @returns {Lang} */
function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'th' || saved === 'en') return saved;
  } catch {
    // storage may be off: fall back to the browser's language
  }
  return (navigator.language || '').toLowerCase().startsWith('th') ? 'th' : 'en';
}

/** @returns {Lang} */
export function lang() {
  return current;
}

/** @param {Lang} next */
export function setLang(next) {
  if (next === current) return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered; still switched for this page
  }
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

/** @param {() => void} listener */
export function onLangChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * A label in the current language, with {name} placeholders filled in.
 * @param {string} key @param {Record<string, string | number>} [vars]
 */
export function t(key, vars) {
  const entry = LABELS[key];
  let text = entry ? entry[current] : key;
  if (vars) for (const [name, value] of Object.entries(vars)) text = text.split(`{${name}}`).join(String(value));
  return text;
}

/** @param {string} key */
export function hasLabel(key) {
  return key in LABELS;
}

/**
 * Text given in both languages by the API ({en, th}).
 * @param {{ en: string, th: string } | null | undefined} text
 */
export function pick(text) {
  return text ? text[current] || text.en : '';
}

function locale() {
  return current === 'th' ? 'th-TH-u-ca-buddhist' : 'en-GB';
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const dateFormats = new Map();
/** @param {Intl.DateTimeFormatOptions} options */
function dateFormat(options) {
  const key = `${locale()}|${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, ...options })));
  return f;
}

/** date and time, e.g. "12 ม.ค. 2568 14:05" in Thai; null-safe */
/** @param {string | number | null | undefined} value */
export function formatDateTime(value) {
  if (value === null || value === undefined) return t('notAvailable');
  return dateFormat({ day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(value));
}

/** @param {string | number | null | undefined} value */
export function formatDate(value) {
  if (value === null || value === undefined) return t('notAvailable');
  return dateFormat({ day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(value));
}

/** an Asia/Bangkok calendar day 'YYYY-MM-DD' as a date in the current language */
/** @param {string} day */
export function formatDay(day) {
  return dateFormat({ day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${day}T12:00:00+07:00`));
}

/** short axis labels: time of day, or day and month */
/** @param {number} ms @param {boolean} withDate */
export function formatAxis(ms, withDate) {
  return withDate ? dateFormat({ day: 'numeric', month: 'short' }).format(new Date(ms)) : dateFormat({ hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}

/** @param {number | null | undefined} value @param {number} [decimals] */
export function formatNumber(value, decimals = 1) {
  if (value === null || value === undefined || !Number.isFinite(value)) return t('notAvailable');
  return new Intl.NumberFormat(current === 'th' ? 'th-TH' : 'en-GB', { maximumFractionDigits: decimals, minimumFractionDigits: 0 }).format(value);
}

/** @param {number | null | undefined} share 0-1 */
export function formatPercent(share) {
  if (share === null || share === undefined || !Number.isFinite(share)) return t('notAvailable');
  return `${formatNumber(share * 100, 0)} %`;
}
