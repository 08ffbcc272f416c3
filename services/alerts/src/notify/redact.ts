/**
 * PDPA: delivery logs and service logs name recipients by id only. Error texts from SMTP servers and HTTP
 * libraries can quote an address ("550 <somchai@example.go.th>: mailbox unavailable"), so every error is scrubbed
 * of the recipient's address and of anything shaped like an e-mail address, a LINE id or a Thai phone number.
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const LINE_ID = /\b[UCR][0-9a-f]{32}\b/g;
const THAI_PHONE = /(?:\+66|\b0)[\s-]?\d(?:[\s-]?\d){7,8}\b/g;

export function redactPersonalData(text: string, address?: string): string {
  let out = text;
  if (address) out = out.split(address).join('[recipient]');
  return out.replace(EMAIL, '[email]').replace(LINE_ID, '[line-id]').replace(THAI_PHONE, '[phone]');
}
