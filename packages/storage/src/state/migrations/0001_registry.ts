import type { Migration } from '../migration.ts';

/**
 * Registry: cities, their sites, the devices at those sites, API keys.
 * Ids follow isValidId (@mueang/core topics) because they become MQTT topic segments and tags.
 * Times are timestamptz (read back as epoch ms by both drivers).
 * A device's city is stored with it (the topic and the ACL need it) and a composite foreign key
 * (site_id, city_id) -> sites (id, city_id) keeps it equal to its site's city.
 */
const ID_CHECK = `~ '^[a-z0-9][a-z0-9_-]{0,63}$'`;

export const migration0001Registry: Migration = {
  id: '0001_registry',
  sql: `
CREATE TABLE cities (
  id          text PRIMARY KEY CONSTRAINT cities_id_format CHECK (id ${ID_CHECK}),
  name        text NOT NULL CONSTRAINT cities_name_not_blank CHECK (btrim(name) <> ''),
  name_th     text,
  province    text,
  timezone    text NOT NULL DEFAULT 'Asia/Bangkok',
  public_data boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sites (
  id          text PRIMARY KEY CONSTRAINT sites_id_format CHECK (id ${ID_CHECK}),
  city_id     text NOT NULL CONSTRAINT sites_city_fk REFERENCES cities (id),
  name        text NOT NULL CONSTRAINT sites_name_not_blank CHECK (btrim(name) <> ''),
  name_th     text,
  lat         double precision CONSTRAINT sites_lat_range CHECK (lat BETWEEN -90 AND 90),
  lon         double precision CONSTRAINT sites_lon_range CHECK (lon BETWEEN -180 AND 180),
  kind        text,
  water_class smallint CONSTRAINT sites_water_class_range CHECK (water_class BETWEEN 1 AND 5),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sites_coordinates_paired CHECK ((lat IS NULL) = (lon IS NULL)),
  CONSTRAINT sites_id_city_unique UNIQUE (id, city_id)
);
CREATE INDEX sites_city_idx ON sites (city_id);

CREATE TABLE devices (
  id          text PRIMARY KEY CONSTRAINT devices_id_format CHECK (id ${ID_CHECK}),
  city_id     text NOT NULL,
  site_id     text NOT NULL,
  domain      text NOT NULL CONSTRAINT devices_domain_known CHECK (domain IN ('air', 'water', 'energy', 'waste')),
  kind        text NOT NULL CONSTRAINT devices_kind_not_blank CHECK (btrim(kind) <> ''),
  name        text,
  status      text NOT NULL DEFAULT 'active' CONSTRAINT devices_status_known CHECK (status IN ('active', 'revoked')),
  secret_hash text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT devices_site_in_city_fk FOREIGN KEY (site_id, city_id) REFERENCES sites (id, city_id)
);
CREATE INDEX devices_city_domain_idx ON devices (city_id, domain);
CREATE INDEX devices_site_idx ON devices (site_id);

CREATE TABLE api_keys (
  id          text PRIMARY KEY CONSTRAINT api_keys_id_format CHECK (id ${ID_CHECK}),
  name        text NOT NULL CONSTRAINT api_keys_name_not_blank CHECK (btrim(name) <> ''),
  key_hash    text NOT NULL CONSTRAINT api_keys_key_hash_unique UNIQUE
                            CONSTRAINT api_keys_key_hash_sha256 CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  role        text NOT NULL CONSTRAINT api_keys_role_known CHECK (role IN ('admin', 'operator', 'viewer')),
  city_id     text CONSTRAINT api_keys_city_fk REFERENCES cities (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_city_idx ON api_keys (city_id) WHERE city_id IS NOT NULL;
`,
};
