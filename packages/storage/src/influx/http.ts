import { TelemetryStoreError, isDiskFullError } from './telemetry-error.ts';

/**
 * The InfluxDB v1-compatible HTTP API (POST /write, POST /query, GET /ping): the one surface that
 * InfluxDB 1.x, 2.5+ (v1 compatibility, bucket named like the database) and 3 Core all serve.
 */
export interface InfluxHttpOptions {
  /** base URL, e.g. http://127.0.0.1:8086 */
  url: string;
  database: string;
  /** InfluxDB 2.x/3 token, sent as `Authorization: Token <token>` */
  token?: string;
  /** InfluxDB 1.x user (HTTP basic auth) */
  username?: string;
  password?: string;
  retentionPolicy?: string;
  /** per-request timeout (default 10 s) */
  timeoutMs?: number;
  /** lines per write request (default 5,000) */
  linesPerRequest?: number;
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export interface InfluxStatementResult {
  statement_id: number;
  series: InfluxSeries[];
}

interface RawStatementResult {
  statement_id?: number;
  series?: InfluxSeries[];
  error?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_LINES_PER_REQUEST = 5_000;
/** rows per chunk of a chunked query response; keeps each JSON document small */
const QUERY_CHUNK_SIZE = 10_000;

/** Node's fetch reports network failures as TypeError('fetch failed') with the system error as cause. */
function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function serverMessageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: use the text
  }
  return body.trim().slice(0, 1000) || '(empty body)';
}

export function httpError(status: number, body: string, what: string): TelemetryStoreError {
  const serverMessage = serverMessageOf(body);
  const said = `InfluxDB answered HTTP ${status} to ${what}: ${serverMessage}`;
  if (status >= 500 && isDiskFullError(serverMessage)) {
    return new TelemetryStoreError('backend.disk_full', `${said} (the InfluxDB server's disk is full: free space there; transient: retry later)`, true, { status, serverMessage });
  }
  if (status === 429 || status >= 500) {
    return new TelemetryStoreError('backend.unavailable', `${said} (transient: retry later)`, true, { status, serverMessage });
  }
  if (status === 401 || status === 403) {
    return new TelemetryStoreError('backend.auth', `${said} (check the token or username/password)`, false, { status, serverMessage });
  }
  if (status === 404) {
    return new TelemetryStoreError('backend.not_found', `${said} (does the database/bucket exist? on 1.x set createDatabase)`, false, { status, serverMessage });
  }
  return new TelemetryStoreError('backend.rejected', `${said} (the request or its data is invalid; retrying will not help)`, false, { status, serverMessage });
}

export class InfluxHttp {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly linesPerRequest: number;

  constructor(private readonly options: InfluxHttpOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.linesPerRequest = options.linesPerRequest ?? DEFAULT_LINES_PER_REQUEST;
    this.headers = {};
    if (options.token) this.headers.authorization = `Token ${options.token}`;
    else if (options.username !== undefined) {
      this.headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
    }
  }

  private async request(path: string, params: Record<string, string>, init: RequestInit, what: string): Promise<{ status: number; body: string }> {
    const url = `${this.base}${path}?${new URLSearchParams(params)}`;
    let res: Response;
    let body: string;
    try {
      res = await fetch(url, { ...init, headers: { ...this.headers, ...(init.headers as Record<string, string> | undefined) }, signal: AbortSignal.timeout(this.timeoutMs) });
      body = await res.text();
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new TelemetryStoreError('backend.timeout', `InfluxDB at ${this.base} did not answer ${what} within ${this.timeoutMs} ms (transient: retry later)`, true, { cause: err });
      }
      const code = networkCode(err) ?? (err as Error).message;
      throw new TelemetryStoreError('backend.unreachable', `cannot reach InfluxDB at ${this.base} for ${what}: ${code} (is it running? transient: retry later)`, true, { cause: err });
    }
    if (res.status < 200 || res.status > 299) throw httpError(res.status, body, what);
    return { status: res.status, body };
  }

  /** Write line-protocol lines in requests of at most `linesPerRequest` lines. Idempotent: points are keyed by series and time. */
  async write(lines: string[], precision: 'ms' | 'ns', retentionPolicy = this.options.retentionPolicy): Promise<void> {
    const params: Record<string, string> = { db: this.options.database, precision };
    if (retentionPolicy) params.rp = retentionPolicy;
    for (let i = 0; i < lines.length; i += this.linesPerRequest) {
      const chunk = lines.slice(i, i + this.linesPerRequest);
      await this.request('/write', params, { method: 'POST', body: chunk.join('\n'), headers: { 'content-type': 'text/plain; charset=utf-8' } }, `a write of ${chunk.length} lines`);
    }
  }

  /** Write a prepared line-protocol body of `lines` lines (at most `linesPerRequest`). Idempotent as write(). */
  async writeBody(body: Buffer, lines: number, precision: 'ms' | 'ns'): Promise<void> {
    const params: Record<string, string> = { db: this.options.database, precision };
    if (this.options.retentionPolicy) params.rp = this.options.retentionPolicy;
    await this.request('/write', params, { method: 'POST', body, headers: { 'content-type': 'text/plain; charset=utf-8' } }, `a write of ${lines} lines`);
  }

  /** lines per write request */
  get maxLinesPerRequest(): number {
    return this.linesPerRequest;
  }

  /**
   * Run InfluxQL statements (joined with ';'); returns one result per statement. Responses are
   * requested chunked so that no server-side row limit truncates them; chunks are merged here.
   */
  async query(statements: string[], options: { database?: boolean } = {}): Promise<InfluxStatementResult[]> {
    if (statements.length === 0) return [];
    const params: Record<string, string> = { epoch: 'ms', chunked: 'true', chunk_size: String(QUERY_CHUNK_SIZE) };
    if (options.database !== false) params.db = this.options.database;
    if (this.options.retentionPolicy) params.rp = this.options.retentionPolicy;
    const { body } = await this.request(
      '/query',
      params,
      { method: 'POST', body: new URLSearchParams({ q: statements.join(';\n') }), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      statements.length === 1 ? 'a query' : `a query of ${statements.length} statements`,
    );
    return mergeChunks(body, statements);
  }

  async ping(): Promise<boolean> {
    try {
      const res = await fetch(`${this.base}/ping`, { headers: this.headers, signal: AbortSignal.timeout(Math.min(this.timeoutMs, 5000)) });
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }
}

/** Parse a (possibly chunked: one JSON document per line) /query response into one result per statement. */
export function mergeChunks(body: string, statements: string[]): InfluxStatementResult[] {
  const results: InfluxStatementResult[] = statements.map((_, i) => ({ statement_id: i, series: [] }));
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    let doc: { results?: RawStatementResult[]; error?: string };
    try {
      doc = JSON.parse(line) as typeof doc;
    } catch (err) {
      throw new TelemetryStoreError('backend.protocol', `InfluxDB answered a query with something that is not JSON: ${line.slice(0, 200)}`, false, { cause: err });
    }
    if (typeof doc.error === 'string') {
      throw new TelemetryStoreError('backend.rejected', `InfluxDB refused the query: ${doc.error}`, false, { serverMessage: doc.error });
    }
    for (const raw of doc.results ?? []) {
      const id = raw.statement_id ?? 0;
      const target = results[id];
      if (!target) continue;
      if (typeof raw.error === 'string') {
        const statement = statements[id] ?? '';
        throw new TelemetryStoreError('backend.rejected', `InfluxDB refused statement ${id + 1} (${statement.slice(0, 200)}): ${raw.error}`, false, { serverMessage: raw.error });
      }
      for (const series of raw.series ?? []) {
        const last = target.series[target.series.length - 1];
        if (last && last.name === series.name && sameTags(last.tags, series.tags) && sameColumns(last.columns, series.columns)) {
          for (const row of series.values ?? []) last.values.push(row);
        } else {
          target.series.push({ name: series.name, tags: series.tags, columns: series.columns, values: [...(series.values ?? [])] });
        }
      }
    }
  }
  return results;
}

function sameTags(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a?.[k] === b?.[k]);
}

function sameColumns(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}
