import type { Writable } from 'node:stream';

type WriteCallback = (error?: Error | null) => void;
type Write = (chunk: unknown, encoding?: BufferEncoding | WriteCallback, cb?: WriteCallback) => boolean;

/**
 * Lets a stream's writes be held: after hold(), what is written is kept until release(), which
 * writes it as one buffer, or drop(), which discards it. Ingest holds its connection's writes (the
 * PUBACKs mqtt.js writes) while the journal records of those messages are not written yet.
 *
 * Why not cork(): uncorking hands the socket thousands of 2-byte pieces (mqtt-packet writes a
 * PUBACK as a header and a packet id), and libuv writes at most IOV_MAX (1,024) pieces per
 * event-loop turn; under load the acknowledgements fell behind by tens of thousands (measured with
 * `npm run bench`), and the broker kept every unacknowledged message in ingest's session.
 * The stream's write is wrapped once, for the stream's life: swapping it per burst would keep
 * changing the socket object's shape.
 */
export class HeldWrites {
  private holding = false;
  private chunks: Buffer[] = [];
  private callbacks: WriteCallback[] = [];
  /** the stream's own write */
  private readonly write: Write;

  constructor(readonly stream: Writable) {
    const write = stream.write as Write;
    this.write = write;
    stream.write = ((chunk: unknown, encoding?: BufferEncoding | WriteCallback, cb?: WriteCallback): boolean => {
      if (!this.holding) return write.call(stream, chunk, encoding, cb);
      const callback = typeof encoding === 'function' ? encoding : cb;
      this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? encoding : 'utf8'));
      if (callback) this.callbacks.push(callback);
      return true;
    }) as Writable['write'];
  }

  get held(): boolean {
    return this.holding;
  }

  /** keep what is written from now on */
  hold(): void {
    this.holding = true;
  }

  /** write what was held, as one buffer, and let later writes through */
  release(): void {
    this.holding = false;
    const chunks = this.chunks;
    const callbacks = this.callbacks;
    this.chunks = [];
    this.callbacks = [];
    if (this.stream.destroyed || this.stream.writableEnded) {
      for (const cb of callbacks) cb(new Error('the connection closed before the held writes were released'));
      return;
    }
    if (chunks.length === 0) return;
    const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (callbacks.length === 0) this.write.call(this.stream, all);
    else this.write.call(this.stream, all, (err: Error | null | undefined) => callbacks.forEach((cb) => cb(err)));
  }

  /** forget what was held (nothing of it is written) and let later writes through */
  drop(): void {
    this.holding = false;
    const callbacks = this.callbacks;
    this.chunks = [];
    this.callbacks = [];
    for (const cb of callbacks) cb(new Error('held writes dropped'));
  }
}
