/** Cities the simulator knows by id, with place names for their sites (English and Thai). */

export type Region = 'north' | 'central' | 'northeast' | 'south';
export const REGIONS: readonly Region[] = ['north', 'central', 'northeast', 'south'];

export interface CitySpec {
  /** registry and topic id, e.g. 'cnx' */
  id: string;
  name: string;
  nameTh: string;
  province: string;
  center: { lat: number; lon: number };
  region: Region;
}

export interface PlaceName {
  name: string;
  nameTh: string;
}

/** named places per domain; sites beyond the list get numbered generic names */
export interface CityPlaces {
  air: PlaceName[];
  water: Array<PlaceName & { waterClass: 2 | 3 | 4 }>;
  energy: PlaceName[];
  waste: PlaceName[];
}

export const CHIANG_MAI: CitySpec = {
  id: 'cnx',
  name: 'Chiang Mai',
  nameTh: 'เชียงใหม่',
  province: 'Chiang Mai',
  center: { lat: 18.7883, lon: 98.9853 },
  region: 'north',
};

export const KHON_KAEN: CitySpec = {
  id: 'kkn',
  name: 'Khon Kaen',
  nameTh: 'ขอนแก่น',
  province: 'Khon Kaen',
  center: { lat: 16.4322, lon: 102.8236 },
  region: 'northeast',
};

export const PHUKET: CitySpec = {
  id: 'hkt',
  name: 'Phuket',
  nameTh: 'ภูเก็ต',
  province: 'Phuket',
  center: { lat: 7.8804, lon: 98.3923 },
  region: 'south',
};

export const NONTHABURI: CitySpec = {
  id: 'ntb',
  name: 'Nonthaburi',
  nameTh: 'นนทบุรี',
  province: 'Nonthaburi',
  center: { lat: 13.8621, lon: 100.5144 },
  region: 'central',
};

export const BUILTIN_CITIES: readonly CitySpec[] = [CHIANG_MAI, KHON_KAEN, PHUKET, NONTHABURI];

export function builtinCity(id: string): CitySpec | undefined {
  return BUILTIN_CITIES.find((c) => c.id === id);
}

const PLACES: Record<string, CityPlaces> = {
  cnx: {
    air: [
      { name: 'Tha Phae Gate', nameTh: 'ประตูท่าแพ' },
      { name: 'Nimmanhaemin', nameTh: 'นิมมานเหมินท์' },
      { name: 'Chang Phueak', nameTh: 'ช้างเผือก' },
      { name: 'Nong Hoi', nameTh: 'หนองหอย' },
      { name: 'Suthep', nameTh: 'สุเทพ' },
      { name: 'Wat Ket', nameTh: 'วัดเกต' },
      { name: 'Fa Ham', nameTh: 'ฟ้าฮ่าม' },
      { name: 'Pa Daet', nameTh: 'ป่าแดด' },
      { name: 'Chang Khlan', nameTh: 'ช้างคลาน' },
      { name: 'San Phi Suea', nameTh: 'สันผีเสื้อ' },
    ],
    water: [
      { name: 'Ping River, Nawarat Bridge', nameTh: 'แม่น้ำปิง สะพานนวรัฐ', waterClass: 3 },
      { name: 'Mae Kha Canal, Kad Luang', nameTh: 'คลองแม่ข่า กาดหลวง', waterClass: 4 },
      { name: 'Huai Kaeo Reservoir', nameTh: 'อ่างเก็บน้ำห้วยแก้ว', waterClass: 2 },
      { name: 'Ping River, Iron Bridge', nameTh: 'แม่น้ำปิง สะพานเหล็ก', waterClass: 3 },
      { name: 'Mae Kha Canal, Chang Klan', nameTh: 'คลองแม่ข่า ช้างคลาน', waterClass: 4 },
      { name: 'Ang Kaew Reservoir', nameTh: 'อ่างแก้ว', waterClass: 2 },
    ],
    energy: [
      { name: 'City Municipality Office', nameTh: 'สำนักงานเทศบาลนครเชียงใหม่' },
      { name: 'Provincial Hall', nameTh: 'ศาลากลางจังหวัดเชียงใหม่' },
      { name: 'Municipal School 1', nameTh: 'โรงเรียนเทศบาล 1' },
      { name: 'Warorot Market', nameTh: 'ตลาดวโรรส' },
      { name: 'Municipal Health Centre', nameTh: 'ศูนย์บริการสาธารณสุขเทศบาล' },
      { name: 'Three Kings Monument Hall', nameTh: 'หอศิลปวัฒนธรรม' },
      { name: 'Municipal School 2', nameTh: 'โรงเรียนเทศบาล 2' },
      { name: 'Water Treatment Plant', nameTh: 'โรงผลิตน้ำประปา' },
    ],
    waste: [
      { name: 'Khwaeng Nakhon Ping', nameTh: 'แขวงนครพิงค์' },
      { name: 'Khwaeng Si Wichai', nameTh: 'แขวงศรีวิชัย' },
      { name: 'Khwaeng Mengrai', nameTh: 'แขวงเม็งราย' },
      { name: 'Khwaeng Kawila', nameTh: 'แขวงกาวิละ' },
    ],
  },
  kkn: {
    air: [
      { name: 'Bueng Kaen Nakhon', nameTh: 'บึงแก่นนคร' },
      { name: 'Khon Kaen University', nameTh: 'มหาวิทยาลัยขอนแก่น' },
      { name: 'Central Bus Station', nameTh: 'สถานีขนส่งผู้โดยสาร' },
      { name: 'Si Chan Road', nameTh: 'ถนนศรีจันทร์' },
      { name: 'Nai Mueang', nameTh: 'ในเมือง' },
    ],
    water: [
      { name: 'Bueng Kaen Nakhon', nameTh: 'บึงแก่นนคร', waterClass: 3 },
      { name: 'Nong Khot', nameTh: 'หนองโคตร', waterClass: 3 },
      { name: 'Phong River', nameTh: 'แม่น้ำพอง', waterClass: 2 },
      { name: 'Bueng Thung Sang', nameTh: 'บึงทุ่งสร้าง', waterClass: 4 },
    ],
    energy: [
      { name: 'City Municipality Office', nameTh: 'สำนักงานเทศบาลนครขอนแก่น' },
      { name: 'Municipal School', nameTh: 'โรงเรียนเทศบาล' },
      { name: 'Fresh Market', nameTh: 'ตลาดสดเทศบาล' },
      { name: 'Municipal Hospital', nameTh: 'โรงพยาบาลเทศบาล' },
    ],
    waste: [
      { name: 'Zone 1', nameTh: 'เขต 1' },
      { name: 'Zone 2', nameTh: 'เขต 2' },
      { name: 'Zone 3', nameTh: 'เขต 3' },
    ],
  },
};

/** the named places of a city, or an empty list per domain (generic names are used then) */
export function placesOf(cityId: string): CityPlaces {
  return PLACES[cityId] ?? { air: [], water: [], energy: [], waste: [] };
}
