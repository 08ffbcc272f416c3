import { describe, expect, it } from 'vitest';
import { ConfigError } from '@mueang/runtime';
import { consoleOptions, loadApiConfig } from '@mueang/api';
import { loadConfig } from '../src/config.ts';

// TILE_URL / TILE_ATTRIBUTION reach the console from the API's own environment and from `npm start`'s.
describe('console map tiles from the environment', () => {
  const tiles = { TILE_URL: 'https://tiles.cnx.example.go.th/osm/{z}/{x}/{y}.png', TILE_ATTRIBUTION: '© OpenStreetMap contributors' };

  it('passes a tile template and its attribution to the console (API alone and platform)', () => {
    expect(consoleOptions(loadApiConfig({ ...tiles }).env)).toEqual({ tileUrl: tiles.TILE_URL, tileAttribution: tiles.TILE_ATTRIBUTION });
    expect(consoleOptions(loadConfig({ ...tiles }))).toEqual({ tileUrl: tiles.TILE_URL, tileAttribution: tiles.TILE_ATTRIBUTION });
    expect(consoleOptions(loadApiConfig({}).env)).toEqual({});
  });

  it.each([
    ['not a URL', 'tiles/{z}/{x}/{y}.png', /TILE_URL must be an http\(s\) URL template/],
    ['another scheme', 'ftp://tiles.example/{z}/{x}/{y}.png', /TILE_URL must be an http\(s\) URL template/],
    ['no {z}/{x}/{y}', 'https://tiles.example/tile.png', /TILE_URL must contain \{z\}, \{x\} and \{y\}/],
  ])('refuses a TILE_URL that is %s with a message naming the variable', (_what, value, message) => {
    for (const load of [() => loadApiConfig({ TILE_URL: value }), () => loadConfig({ TILE_URL: value })]) {
      let caught: unknown;
      try {
        load();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect(String((caught as Error).message)).toMatch(message);
    }
  });
});
