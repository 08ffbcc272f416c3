import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The processes a scenario runs (load generators, the platform, a storage writer) are Node
 * children driven over IPC: the parent calls a named handler and awaits its result, so each
 * process can be measured on its own and none shares an event loop with another.
 */
export type Role = 'generator' | 'server';

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export interface BenchChild {
  readonly label: string;
  readonly pid: number;
  call<T>(name: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** ask the child to clean up and exit; kills it when it does not within the grace period */
  stop(graceMs?: number): Promise<void>;
}

/** the open-files limit asked for each child: one descriptor per MQTT connection (the hard limit caps it) */
export const CHILD_NOFILE = 20_000;

let profileDir: string | null = null;
/** from now on, measured phases of server processes are CPU-profiled into `dir` (see profilePhase) */
export function profileServersInto(dir: string | null): void {
  profileDir = dir;
}

/** start profiling the server's measured phase; the returned stop() writes <dir>/<name>.cpuprofile */
export async function profilePhase(server: BenchChild, name: string): Promise<() => Promise<void>> {
  if (!profileDir) return async () => undefined;
  const dir = profileDir;
  await server.call('profile', { action: 'start' });
  return async () => {
    await server.call('profile', { action: 'stop', file: path.join(dir, `${name}-${Date.now()}.cpuprofile`) });
  };
}

export async function startChild(role: Role, label: string, options: { nofile?: number } = {}): Promise<BenchChild> {
  const script = fileURLToPath(new URL(`./roles/${role}.ts`, import.meta.url));
  const nofile = options.nofile ?? CHILD_NOFILE;
  // sh raises the soft limit up to the hard one, then becomes node (same pid, IPC descriptor kept)
  const child: ChildProcess = spawn(
    '/bin/sh',
    ['-c', `ulimit -n ${nofile} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"`, process.execPath, '--expose-gc', '--import', 'tsx', script, label],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout | undefined }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      for (const p of pending.values()) {
        if (p.timer) clearTimeout(p.timer);
        p.reject(new Error(`${label} exited (${code ?? signal}) while a call was pending`));
      }
      pending.clear();
      resolve();
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code} before it was ready`)));
    child.on('message', (raw: unknown) => {
      const msg = raw as { type?: string } & Reply;
      if (msg.type === 'ready') {
        resolve();
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (p.timer) clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`${label}: ${msg.error}`));
    });
  });
  await ready;
  const handle: BenchChild = {
    label,
    pid: child.pid!,
    call<T>(name: string, args?: unknown, timeoutMs = 30 * 60_000): Promise<T> {
      if (exited) return Promise.reject(new Error(`${label} has exited`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${label}: ${name} did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        child.send({ id, name, args });
      });
    },
    async stop(graceMs = 30_000) {
      if (exited) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      handle.call('exit', undefined, graceMs).catch(() => undefined);
      await exit;
      clearTimeout(timer);
    },
  };
  return handle;
}
