/**
 * Recipient addresses are personal data (PDPA). Lists and logs show them masked: enough to recognise an entry, not
 * enough to contact the person.
 */
import type { RecipientChannel } from './types.ts';

/** 'somchai@example.go.th' -> 's***@example.go.th'; LINE 'U1234…' -> 'U123…cdef'; a webhook URL -> its origin + '/…' */
export function maskAddress(channel: RecipientChannel, address: string): string {
  switch (channel) {
    case 'email': {
      const at = address.lastIndexOf('@');
      if (at <= 0) return '***';
      return `${address[0]}***${address.slice(at)}`;
    }
    case 'line':
      return address.length > 10 ? `${address.slice(0, 4)}…${address.slice(-4)}` : '***';
    case 'webhook':
      try {
        // paths and query strings often carry tokens
        return `${new URL(address).origin}/…`;
      } catch {
        return '***';
      }
    case 'mqtt':
      return address.length > 4 ? `${address.slice(0, 2)}***` : '***';
  }
}
