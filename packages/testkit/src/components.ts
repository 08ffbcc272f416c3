import { spawnSync } from 'node:child_process';
import net from 'node:net';

/**
 * Tests that need a system component (influxd, PostgreSQL, Redis, Mosquitto, mosquitto_pub,
 * Chromium) ask here. Missing on a developer machine: the test is skipped with a loud warning.
 * With REQUIRE_SYSTEM_COMPONENTS=1 (set by .ci/run) a missing component fails the run instead.
 */
export const componentsRequired = process.env.REQUIRE_SYSTEM_COMPONENTS === '1';

const cache = new Map<string, string | null>();

export function hasCommand(cmd: string): boolean {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().length > 0;
}

export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface ComponentCheck {
  name: string;
  /** resolves to null when present, or to a reason when missing */
  check: () => Promise<string | null> | string | null;
}

export const COMPONENTS = {
  influxd: { name: 'influxd (Debian package influxdb)', check: () => (hasCommand('influxd') ? null : 'influxd not on PATH; apt-get install -y influxdb') },
  postgres: {
    name: 'PostgreSQL at 127.0.0.1:5432',
    check: async () => ((await canConnect('127.0.0.1', Number(process.env.PGPORT ?? 5432))) ? null : 'nothing listens on 127.0.0.1:5432'),
  },
  redis: { name: 'Redis at 127.0.0.1:6379', check: async () => ((await canConnect('127.0.0.1', 6379)) ? null : 'nothing listens on 127.0.0.1:6379') },
  mosquitto: { name: 'Mosquitto at 127.0.0.1:1883', check: async () => ((await canConnect('127.0.0.1', 1883)) ? null : 'nothing listens on 127.0.0.1:1883') },
  mosquittoPub: { name: 'mosquitto_pub (Debian package mosquitto-clients)', check: () => (hasCommand('mosquitto_pub') ? null : 'mosquitto_pub not on PATH; apt-get install -y mosquitto-clients') },
  chromium: { name: 'Chromium (Debian package chromium)', check: () => (hasCommand('chromium') ? null : 'chromium not on PATH; apt-get install -y chromium') },
  openssl: { name: 'openssl (Debian package openssl)', check: () => (hasCommand('openssl') ? null : 'openssl not on PATH; apt-get install -y openssl') },
  smallFilesystem: {
    name: 'a small tmpfs in a private user and mount namespace (unshare -rm, util-linux; unprivileged user namespaces enabled)',
    check: () => {
      // the mount lives and dies with the namespace of this one command: nothing is mounted for the system
      const r = spawnSync('unshare', ['-rm', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && umount "$d" && rmdir "$d"'], { encoding: 'utf8' });
      return r.status === 0 ? null : `unshare -rm cannot mount a tmpfs here: ${(r.stderr || r.error?.message || 'failed').trim()}`;
    },
  },
} satisfies Record<string, ComponentCheck>;

export type ComponentName = keyof typeof COMPONENTS;

/**
 * Returns true when every named component is present. When one is missing: throws if
 * REQUIRE_SYSTEM_COMPONENTS=1, otherwise prints a loud SKIPPED banner and returns false
 * (use with describe.skipIf(!ok)).
 */
export async function requireComponents(suite: string, ...names: ComponentName[]): Promise<boolean> {
  const missing: string[] = [];
  for (const name of names) {
    if (!cache.has(name)) cache.set(name, await COMPONENTS[name].check());
    const reason = cache.get(name);
    if (reason) missing.push(`${COMPONENTS[name].name}: ${reason}`);
  }
  if (missing.length === 0) return true;
  const text = `SKIPPED "${suite}": missing system component(s):\n  - ${missing.join('\n  - ')}`;
  if (componentsRequired) throw new Error(`${text}\nREQUIRE_SYSTEM_COMPONENTS=1 turns this skip into a failure.`);
  console.warn(`\n${'!'.repeat(78)}\n${text}\n${'!'.repeat(78)}\n`);
  return false;
}
