import { createHash, timingSafeEqual } from 'node:crypto';

export interface ServiceAccount {
  username: string;
  password: string;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Platform service credentials. Only digests are kept; comparing fixed-length digests with
 * timingSafeEqual makes the check constant-time whatever the length of the presented password.
 */
export class ServiceAccounts {
  private readonly digests = new Map<string, Buffer>();

  constructor(accounts: readonly ServiceAccount[]) {
    for (const account of accounts) this.digests.set(account.username, digest(account.password));
  }

  has(username: string): boolean {
    return this.digests.has(username);
  }

  verify(username: string, password: string): boolean {
    const expected = this.digests.get(username);
    return expected !== undefined && timingSafeEqual(expected, digest(password));
  }

  get size(): number {
    return this.digests.size;
  }
}
