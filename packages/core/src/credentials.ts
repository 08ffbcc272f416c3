import { randomBytes, scrypt, timingSafeEqual, createHash } from 'node:crypto';

/**
 * Device secrets are stored as scrypt hashes (a slow KDF: a stolen database does not give
 * the secrets away). Format: scrypt$N$r$p$salt$hash, base64url fields.
 * N=2^14 costs ~30-60 ms per verification on these machines; the broker caches successes.
 */
const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;

function scryptAsync(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LEN, { N: n, r, p, maxmem: 128 * n * r * 2 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export function generateSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const n = Number(parts[1]);
  const r = Number(parts[2]);
  const p = Number(parts[3]);
  if (!Number.isInteger(n) || !Number.isInteger(r) || !Number.isInteger(p)) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  const actual = await scryptAsync(secret, salt, n, r, p);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** API keys are long random tokens, so a fast hash is enough for lookup. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
