import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freeLocalPort } from '@mueang/testkit';

/**
 * A Mosquitto of our own for the peer runs: the same binary and settings as the machine's
 * (/etc/mosquitto: anonymous access) on a free port, without persistence, so its CPU and memory
 * are measured alone and the shared 127.0.0.1:1883 other tests use is not loaded. Everything
 * else is Mosquitto's default unless `tuned`: with the defaults (max_inflight_messages 20,
 * max_queued_messages 1000 per client) Mosquitto drops QoS 1 messages it has already acknowledged
 * to the publisher once a subscriber falls 1,000 behind; `tuned` raises both limits the way an
 * operator putting ingest behind Mosquitto would.
 */
export const MOSQUITTO_TUNING = 'max_inflight_messages 1000\nmax_queued_messages 1000000\n';

export interface MosquittoHandle {
  url: string;
  pid: number;
  version: string;
  stop(): Promise<void>;
}

export function mosquittoVersion(): string {
  try {
    return /mosquitto version (\S+)/.exec(execFileSync('mosquitto', ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))?.[1] ?? 'unknown';
  } catch (err) {
    // `mosquitto -h` exits 3 after printing its usage
    const out = String((err as { stdout?: unknown }).stdout ?? '');
    return /mosquitto version (\S+)/.exec(out)?.[1] ?? 'not installed';
  }
}

export async function startMosquitto(options: { tuned: boolean }): Promise<MosquittoHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mueang-bench-mosquitto-'));
  const port = await freeLocalPort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\nlog_type warning\n${options.tuned ? MOSQUITTO_TUNING : ''}`);
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-5000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`mosquitto did not start on port ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid!,
    version: mosquittoVersion(),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
