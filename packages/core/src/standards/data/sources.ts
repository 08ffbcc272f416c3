/**
 * The sources behind the standards data, keyed as in /work/shared/reference/thai-standards.md §10.
 * Standards cite them in their `source` text as [KEY].
 */
export interface StandardSource {
  /** 'PCD-AAQS' */
  key: string;
  title: string;
  url?: string;
  /** official = a government page or notification copy; secondary = news, university or vendor page; code = public code */
  kind: 'official' | 'secondary' | 'code';
}

export const STANDARD_SOURCES: readonly StandardSource[] = [
  // official or government pages
  { key: 'PCD-AAQS', kind: 'official', title: 'PCD, ambient air quality standards', url: 'http://pcd.go.th/info_serv/reg_std_airsnd01.html' },
  { key: 'PCD-CAPM', kind: 'official', title: 'PCD CAPM note on 24 h vs 1 h PM2.5 in Air4Thai', url: 'https://www.pcd.go.th/?p=34396' },
  { key: 'PCD-IND', kind: 'official', title: 'PCD, effluent standards index (industrial notification dated 2016-03-29)', url: 'http://www.pcd.go.th/info_serv/reg_std_water04.html' },
  { key: 'PCD-CAC-BLDG', kind: 'official', title: 'PCD, building types for effluent standards', url: 'http://cac.pcd.go.th/index.php/ourservices/knowledgebased-law/2017-08-08-03-33-44' },
  { key: 'ONEP-PM25', kind: 'official', title: 'ONEP news (13 May 2022): PM2.5 50 -> 37.5 and 25 -> 15, effective 2023-06-01', url: 'https://www.onep.go.th/13-%E0%B8%9E%E0%B8%A4%E0%B8%A9%E0%B8%A0%E0%B8%B2%E0%B8%84%E0%B8%A1-2565-%E0%B8%9B%E0%B8%A3%E0%B8%B1%E0%B8%9A%E0%B8%84%E0%B9%88%E0%B8%B2%E0%B8%A1%E0%B8%B2%E0%B8%95%E0%B8%A3%E0%B8%90%E0%B8%B2%E0%B8%99/' },
  { key: 'ONEP-NO2', kind: 'official', title: 'ONEP indicator NO2 (annual standard 30.0 ppb)', url: 'http://www.onep.go.th/env_data/2016/01_42/' },
  { key: 'NSO-2019', kind: 'official', title: 'NSO Statistical Yearbook 2019, table 21.1', url: 'https://nso.go.th/public/e-book/Statistical-Yearbook/SYB-2019/603' },
  { key: 'NSO-2014', kind: 'official', title: 'NSO Statistical Yearbook 2014, table 22.1', url: 'https://nso.go.th/public/e-book/Statistical-Yearbook/SYB-2014/890-891' },
  { key: 'THGOV-AQI', kind: 'official', title: 'thailand.go.th, AQI criteria adjusted (2023)', url: 'https://thailand.go.th/issue-focus-detail/001_04_073' },
  { key: 'HYDROLAW-NEB8', kind: 'official', title: 'NEB Notification No. 8 (B.E. 2537) surface water, text copy', url: 'https://hydrolaw.thaiwater.net/%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B8%81%E0%B8%B2%E0%B8%A8%E0%B8%84%E0%B8%93%E0%B8%B0%E0%B8%81%E0%B8%A3%E0%B8%A3%E0%B8%A1%E0%B8%81%E0%B8%B2%E0%B8%A3%E0%B8%AA%E0%B8%B4%E0%B9%88%E0%B8%87%E0%B9%81%E0%B8%A7-8/' },
  { key: 'ANAMAI-TAP', kind: 'official', title: 'Department of Health, tap-water criteria comparison', url: 'http://rldc.anamai.moph.go.th/index.php?option=com_content&view=article&id=29&Itemid=512' },
  { key: 'ANAMAI-BLDG', kind: 'official', title: 'Department of Health copy of the 1994 building effluent notification', url: 'http://rldc.anamai.moph.go.th/index.php?option=com_content&view=article&id=31&Itemid=445' },
  { key: 'MWA-STD', kind: 'official', title: 'MWA water quality standard', url: 'https://www.mwa.co.th/en/knowledge-2/water-quality-information-2/water-quality-standard/' },
  { key: 'MWA-CL', kind: 'official', title: 'MWA news on free chlorine (>= 0.2 mg/L at homes), 2019-10-10', url: 'https://web.mwa.co.th/ewt_news.php?nid=52208&filename=index' },
  { key: 'RATCHAKITCHA-NOISE', kind: 'official', title: 'Pollution Control Committee noise-measurement notification 2022', url: 'https://ratchagitja.vercel.app/entries/ง-พิเศษ/139/266/17230892' },
  // news and secondary pages
  { key: 'NATION-2022a', kind: 'secondary', title: 'The Nation, 2022-05-25', url: 'https://www.nationthailand.com/in-focus/40015916' },
  { key: 'NATION-2022b', kind: 'secondary', title: 'The Nation: Royal Gazette publication of the PM2.5 standards, 9 July 2022', url: 'https://nationthailand.com/in-focus/40017734' },
  { key: 'NATION-2023', kind: 'secondary', title: 'The Nation, 2023-05-09: AQI red band 91 -> 75.1, WHO levels', url: 'https://www.nationthailand.com/thailand/general/40027418' },
  { key: 'THAIPBS', kind: 'secondary', title: "Thai PBS World: Thailand's new air quality standard to take effect on June 1st", url: 'https://www.thaipbsworld.com/thailands-new-air-quality-standard-to-take-effect-on-june-1st/' },
  { key: 'FTIPC', kind: 'secondary', title: 'FTIPC: 2021 draft, NEB No. 36 of 2010 to be replaced', url: 'http://ftipc.or.th/th/news/detail/6/49' },
  { key: 'SUT-AQI', kind: 'secondary', title: 'Suranaree University air page (AQI)', url: 'http://sutair.sut.ac.th/air/airQualityIndex' },
  { key: 'CMU-CALC', kind: 'secondary', title: 'CMU CCDC AQI calculator', url: 'https://www.cmuccdc.org/calculate' },
  { key: 'KU-AQ', kind: 'secondary', title: 'Kasetsart University air quality page', url: 'https://airq.ku.ac.th/quality.php' },
  { key: 'PRD', kind: 'official', title: 'Government Public Relations Department', url: 'https://www.prd.go.th/th/content/category/detail/id/35/iid/226585' },
  { key: 'NRCT', kind: 'secondary', title: 'NRCT lab-safety page (ambient standards)', url: 'http://labsafety.nrct.go.th/index.php/2014-05-19-04-38-41/2014-08-05-05-53-12/187-2014-09-24-01-58-30' },
  { key: 'WEPA-SW', kind: 'secondary', title: 'WEPA database: Thailand surface water quality standard', url: 'https://wepa-db.net/archive/policies/law/thailand/std_surface_water.htm' },
  { key: 'BSA-BLDG', kind: 'secondary', title: 'bsa.or.th copy of the MoNRE building-effluent notification (title only read)' },
  { key: 'NAMSIA-IND', kind: 'secondary', title: 'มาตรฐานน้ำทิ้งโรงงานที่อยู่นอกนิคมฯ (industrial effluent table copy)', url: 'https://www.xn--q3csx5aq8d1c6a.com/%E0%B8%A1%E0%B8%B2%E0%B8%95%E0%B8%A3%E0%B8%90%E0%B8%B2%E0%B8%99%E0%B8%99%E0%B9%89%E0%B8%B3%E0%B8%97%E0%B8%B4%E0%B9%89%E0%B8%87%E0%B9%82%E0%B8%A3%E0%B8%87%E0%B8%87%E0%B8%B2%E0%B8%99%E0%B8%97%E0%B8%B5/' },
  { key: 'WATERINDEX', kind: 'secondary', title: 'waterindex.com: wastewater from industry', url: 'http://www.waterindex.com/doc1-wastewater-from-industry1.htm' },
  { key: 'SPLUS', kind: 'secondary', title: 'S Plus: มาตรฐานน้ำทิ้งโรงงานอุตสาหกรรม', url: 'https://www.spluscorp.com/16540873/' },
  { key: 'ENVILIANCE-HOUSING', kind: 'secondary', title: 'Enviliance: Thailand housing-estate effluent standards (consultant summary)', url: 'https://enviliance.com/regions/southeast-asia/th/report_3841' },
  { key: 'NEONICS', kind: 'secondary', title: 'Neonics: Thai noise standards', url: 'https://neonics.co.th/?p=23472' },
  { key: 'GEONOISE', kind: 'secondary', title: 'Geonoise: noise legislation and noise limits in Thailand', url: 'https://www.geonoise.com/noise-legislation-and-noise-limits-in-thailand' },
  { key: 'VAREEPITAK', kind: 'secondary', title: 'Vareepitak: water standards', url: 'https://vareepitak.com/en/blog/khwaamruu-5/water-standards-14' },
  { key: 'PWA-CHAIYA', kind: 'secondary', title: 'PWA Chaiya branch page (chaiyawater.page.tl)' },
  // public code
  { key: 'GH-KONG-DEF', kind: 'code', title: 'kongkiatchanu/pm2_5, application/views/main/definition.php (Thai AQI tables, units, averaging)', url: 'https://github.com/kongkiatchanu/pm2_5' },
  { key: 'GH-KONG-FN', kind: 'code', title: 'kongkiatchanu/pm2_5, application/helpers/functions_helper.php (old PM2.5 breakpoints)', url: 'https://github.com/kongkiatchanu/pm2_5' },
];
