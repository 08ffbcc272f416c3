import { connect } from 'node:net';
import { int, pick, type Rng } from './requests.ts';

/**
 * Malformed HTTP/1.1 for the API's listening socket: what Node's parser (llhttp) and Fastify's
 * clientError handler answer before any route runs. Each case goes on its own connection, which
 * is half-closed after writing so that an incomplete request ends instead of waiting for a timeout.
 */

export interface RawCase {
  label: string;
  bytes: Buffer;
}

export interface RawAnswer {
  /** status of the first response, null when the server closed without answering */
  status: number | null;
  text: string;
}

const CRLF = '\r\n';

function request(lines: string[], body = ''): Buffer {
  return Buffer.from(`${lines.join(CRLF)}${CRLF}${CRLF}${body}`, 'latin1');
}

/** the hand-written cases: request line, headers, framing, other protocols */
export function rawCases(validKey: string): RawCase[] {
  const host = 'Host: 127.0.0.1';
  const json = '{"id":"raw-x","name":"raw"}';
  const post = (extra: string[], body: string) => request(['POST /v1/cities/fuzz/sites HTTP/1.1', host, `Authorization: Bearer ${validKey}`, 'Content-Type: application/json', ...extra], body);
  const cases: Array<[string, Buffer]> = [
    ['empty lines', Buffer.from(`${CRLF}${CRLF}${CRLF}`)],
    ['HTTP/0.9 request line', Buffer.from(`GET /health${CRLF}${CRLF}`)],
    ['bad method characters', request(['G@T /health HTTP/1.1', host])],
    ['unknown method', request(['FOOBAR /health HTTP/1.1', host])],
    ['lowercase method', request(['get /health HTTP/1.1', host])],
    ['unsupported version', request(['GET /health HTTP/9.9', host])],
    ['HTTP/2 version on HTTP/1 framing', request(['GET /health HTTP/2.0', host])],
    ['space in target', request(['GET /he alth HTTP/1.1', host])],
    ['NUL in target', request(['GET /health\u0000 HTTP/1.1', host])],
    ['control character in target', request(['GET /health\u0001x HTTP/1.1', host])],
    ['absolute-form target', request(['GET http://evil.example/health HTTP/1.1', host])],
    ['asterisk target', request(['GET * HTTP/1.1', host])],
    ['CONNECT tunnel', request(['CONNECT evil.example:443 HTTP/1.1', 'Host: evil.example:443'])],
    ['target of 100 000 characters', request([`GET /${'a'.repeat(100_000)} HTTP/1.1`, host])],
    ['header of 20 000 bytes', request(['GET /health HTTP/1.1', host, `X-Big: ${'a'.repeat(20_000)}`])],
    ['2 000 headers', request(['GET /health HTTP/1.1', host, ...Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`)])],
    ['header without colon', request(['GET /health HTTP/1.1', host, 'X-No-Colon'])],
    ['space before colon', request(['GET /health HTTP/1.1', 'Host : 127.0.0.1'])],
    ['obsolete line folding', request(['GET /health HTTP/1.1', host, 'X-Folded: a', ' b'])],
    ['bare LF line endings', Buffer.from('GET /health HTTP/1.1\nHost: 127.0.0.1\n\n')],
    ['CR without LF', Buffer.from('GET /health HTTP/1.1\rHost: 127.0.0.1\r\r')],
    ['control characters in a header value', request(['GET /health HTTP/1.1', host, 'X-Ctl: a\u0001\u007fb'])],
    ['non-token header name', request(['GET /health HTTP/1.1', host, 'X(Bad): v'])],
    ['UTF-8 header name', Buffer.from(`GET /health HTTP/1.1${CRLF}${host}${CRLF}Ä: v${CRLF}${CRLF}`, 'utf8')],
    ['no Host header', request(['GET /health HTTP/1.1'])],
    ['two Host headers', request(['GET /health HTTP/1.1', host, 'Host: evil.example'])],
    ['Content-Length and Transfer-Encoding (smuggling)', post(['Content-Length: 4', 'Transfer-Encoding: chunked'], `0${CRLF}${CRLF}GET /v1/keys HTTP/1.1${CRLF}${host}${CRLF}${CRLF}`)],
    ['two different Content-Length', post([`Content-Length: ${json.length}`, 'Content-Length: 3'], json)],
    ['negative Content-Length', post(['Content-Length: -1'], json)],
    ['Content-Length with a sign', post([`Content-Length: +${json.length}`], json)],
    ['overflowing Content-Length', post(['Content-Length: 99999999999999999999999'], json)],
    ['Content-Length larger than the body', post(['Content-Length: 1000'], json)],
    ['Content-Length above the body limit', post(['Content-Length: 10000000'], json)],
    ['chunk size not hex', post(['Transfer-Encoding: chunked'], `zz${CRLF}${json}${CRLF}0${CRLF}${CRLF}`)],
    ['chunk size overflow', post(['Transfer-Encoding: chunked'], `ffffffffffffffffffff${CRLF}${json}${CRLF}0${CRLF}${CRLF}`)],
    ['chunk without CRLF after data', post(['Transfer-Encoding: chunked'], `2${CRLF}{}XX0${CRLF}${CRLF}`)],
    ['chunk extension with NUL', post(['Transfer-Encoding: chunked'], `2;a=\u0000${CRLF}{}${CRLF}0${CRLF}${CRLF}`)],
    ['chunked not last', post(['Transfer-Encoding: chunked, identity'], `2${CRLF}{}${CRLF}0${CRLF}${CRLF}`)],
    ['unknown transfer coding', post(['Transfer-Encoding: gzip'], json)],
    ['chunked body never finished', post(['Transfer-Encoding: chunked'], `ff${CRLF}{"id":`)],
    ['chunked body above the body limit', post(['Transfer-Encoding: chunked'], `${'fff0'}${CRLF}${'a'.repeat(0xfff0)}${CRLF}`.repeat(3) + `0${CRLF}${CRLF}`)],
    ['headers never finished', Buffer.from(`GET /health HTTP/1.1${CRLF}${host}${CRLF}X-Slow: 1`)],
    ['request line never finished', Buffer.from('GET /health HT')],
    ['HTTP/2 connection preface', Buffer.from(`PRI * HTTP/2.0${CRLF}${CRLF}SM${CRLF}${CRLF}`)],
    ['TLS ClientHello on the plain port', Buffer.from('16030100a5010000a10303' + '00'.repeat(160), 'hex')],
    ['WebSocket upgrade without a handler', request(['GET /v1/cities/cnx/alerts/stream HTTP/1.1', host, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'])],
    ['h2c upgrade', request(['GET /health HTTP/1.1', host, 'Upgrade: h2c', 'Connection: Upgrade, HTTP2-Settings', 'HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA'])],
    ['Expect 100-continue then garbage', post(['Expect: 100-continue', `Content-Length: ${json.length}`], '\u0000'.repeat(json.length))],
    ['valid request then garbage (pipelined)', Buffer.concat([request(['GET /health HTTP/1.1', host]), Buffer.from('\u0000\u0001\u0002 garbage\r\n\r\n')])],
    ['one hundred pipelined requests', Buffer.concat(Array.from({ length: 100 }, () => request(['GET /v1/me HTTP/1.1', host, `Authorization: Bearer ${validKey}`])))],
  ];
  return cases.map(([label, bytes]) => ({ label, bytes }));
}

/** random damage to valid requests: flipped, inserted and deleted bytes */
export function mutatedCases(r: Rng, count: number, validKey: string): RawCase[] {
  const templates = [
    request(['GET /v1/cities/cnx/devices?domain=air HTTP/1.1', 'Host: 127.0.0.1', `Authorization: Bearer ${validKey}`]),
    request(['POST /v1/cities/fuzz/sites HTTP/1.1', 'Host: 127.0.0.1', `Authorization: Bearer ${validKey}`, 'Content-Type: application/json', 'Content-Length: 27'], '{"id":"raw-m","name":"raw"}'),
    request(['POST /v1/cities/fuzz/sites HTTP/1.1', 'Host: 127.0.0.1', `Authorization: Bearer ${validKey}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked'], `1b${CRLF}{"id":"raw-c","name":"raw"}${CRLF}0${CRLF}${CRLF}`),
  ];
  const out: RawCase[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = Buffer.from(pick(r, templates));
    const edits = 1 + int(r, 4);
    let buf = bytes;
    for (let e = 0; e < edits; e++) {
      const at = int(r, buf.length);
      const what = int(r, 3);
      if (what === 0) buf[at] = int(r, 256);
      else if (what === 1) buf = Buffer.concat([buf.subarray(0, at), Buffer.from([int(r, 256)]), buf.subarray(at)]);
      else buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1)]);
    }
    out.push({ label: 'mutated', bytes: buf });
  }
  return out;
}

/**
 * Sends one case on a new connection and resolves when the server has closed it (or, after
 * answering, left it idle). A connection still open after `timeoutMs` without any answer is a
 * hang: reported, and the caller fails.
 */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 15_000): Promise<RawAnswer & { hung: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port });
    let done = false;
    const finish = (hung: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, text, hung });
    };
    const timer = setTimeout(() => finish(chunks.length === 0), timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('connect', () => {
      socket.write(bytes, () => socket.end());
    });
  });
}

/** every status line in a (possibly pipelined) answer */
export function statusesOf(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}
