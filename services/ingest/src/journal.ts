import fs from 'node:fs';
import path from 'node:path';

/**
 * Write-ahead journal of received MQTT messages. Ingest appends a message here before it
 * acknowledges it to the broker, and forgets it once everything it produced (points, dead
 * letters) is in the store. After a crash (even SIGKILL: the write reached the kernel) the
 * messages still in the journal are replayed; store writes are idempotent, so a replay of a
 * message that was already stored changes nothing.
 *
 * Segment files `seg-<first seq>.wal` hold records:
 *   u32 length of the rest | f64 receivedAt | u16 topic length | topic utf8 | payload bytes
 * A torn record at the end of the last segment (crash mid-write) is ignored on replay.
 * The file `low-water` holds the lowest sequence number not yet stored (rewritten at most once a
 * second after commits, and at close): records below it are not replayed, so a restart repeats at
 * most the messages stored after an older one that was still waiting, or in the last second.
 */
export interface JournalRecord {
  seq: number;
  receivedAt: number;
  topic: string;
  payload: Buffer;
}

export interface JournalOptions {
  dir: string;
  /** rotate to a new segment after this many bytes */
  segmentBytes?: number;
  /** fsync each append: survives power loss, not only process death; much slower */
  fsync?: boolean;
}

interface Segment {
  firstSeq: number;
  file: string;
  bytes: number;
  /** records appended and not yet committed */
  outstanding: number;
  closed: boolean;
}

const HEADER = 4 + 8 + 2;
const STAGING_INITIAL_BYTES = 64 * 1024;
const LOW_WATER_INTERVAL_MS = 1000;
const STAGING_KEEP_BYTES = 1024 * 1024;

export class Journal {
  private readonly dir: string;
  private readonly segmentBytes: number;
  private readonly fsync: boolean;
  private segments: Segment[] = [];
  private current: Segment | null = null;
  private fd: number | null = null;
  private nextSeq = 1;
  /** the messages not yet committed: their segment (for commits) and receive time (for the buffer-age metric) */
  private readonly owner = new Outstanding();
  private writtenLowWater = 0;
  private lowWaterWrittenAt = -Infinity;
  private lowWaterTimer: NodeJS.Timeout | null = null;
  /** records staged for the next flush() */
  private staging = Buffer.allocUnsafe(STAGING_INITIAL_BYTES);
  private stagedBytes = 0;
  /** a write failed: the current segment may end in a torn record */
  private broken = false;

  constructor(options: JournalOptions) {
    this.dir = options.dir;
    this.segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
    this.fsync = options.fsync ?? false;
    fs.mkdirSync(this.dir, { recursive: true });
  }

  /** Read what a previous run left behind, oldest first. Call once, before append. */
  recover(): JournalRecord[] {
    const lowWater = this.readLowWater();
    this.nextSeq = Math.max(this.nextSeq, lowWater);
    const files = fs
      .readdirSync(this.dir)
      .filter((f) => /^seg-\d+\.wal$/.test(f))
      .sort((a, b) => segmentSeq(a) - segmentSeq(b));
    const records: JournalRecord[] = [];
    for (const name of files) {
      const file = path.join(this.dir, name);
      const data = fs.readFileSync(file);
      const segment: Segment = { firstSeq: segmentSeq(name), file, bytes: data.length, outstanding: 0, closed: true };
      let offset = 0;
      let seq = segment.firstSeq;
      while (offset + HEADER <= data.length) {
        const length = data.readUInt32LE(offset);
        if (length < 10 || offset + 4 + length > data.length) break; // torn tail
        const receivedAt = data.readDoubleLE(offset + 4);
        const topicLength = data.readUInt16LE(offset + 12);
        if (HEADER + topicLength > 4 + length) break;
        const topic = data.toString('utf8', offset + HEADER, offset + HEADER + topicLength);
        if (seq >= lowWater) {
          const payload = Buffer.from(data.subarray(offset + HEADER + topicLength, offset + 4 + length));
          records.push({ seq, receivedAt, topic, payload });
          this.owner.add(seq, segment, receivedAt);
          segment.outstanding++;
        }
        seq++;
        offset += 4 + length;
      }
      this.nextSeq = Math.max(this.nextSeq, seq);
      if (segment.outstanding === 0) fs.rmSync(file, { force: true });
      else this.segments.push(segment);
    }
    return records;
  }

  /** Append one message durably (to the kernel, or to disk with fsync) and return its sequence number. */
  append(receivedAt: number, topic: string, payload: Buffer): number {
    const seq = this.stage(receivedAt, topic, payload);
    this.flush();
    return seq;
  }

  /**
   * Add one message to the records of the next flush() and return its sequence number. It is
   * durable only once flush() has returned: acknowledge nothing staged before that.
   */
  stage(receivedAt: number, topic: string, payload: Buffer): number {
    const topicBytes = Buffer.byteLength(topic);
    const length = 8 + 2 + topicBytes + payload.length;
    if (!this.current || this.broken || this.current.bytes >= this.segmentBytes) {
      this.flush();
      this.rotate();
    }
    if (this.stagedBytes + 4 + length > this.staging.length) this.growStaging(4 + length);
    const record = this.staging;
    let at = this.stagedBytes;
    record.writeUInt32LE(length, at);
    record.writeDoubleLE(receivedAt, at + 4);
    record.writeUInt16LE(topicBytes, at + 12);
    at += HEADER;
    at += record.write(topic, at, 'utf8');
    at += payload.copy(record, at);
    this.stagedBytes = at;

    const segment = this.current!;
    segment.bytes += 4 + length;
    segment.outstanding++;
    const seq = this.nextSeq++;
    this.owner.add(seq, segment, receivedAt);
    return seq;
  }

  /** Write every staged record to the current segment: one write (and one fsync with `fsync`). */
  flush(): void {
    if (this.stagedBytes === 0) return;
    const bytes = this.stagedBytes;
    this.stagedBytes = 0;
    try {
      let written = 0;
      while (written < bytes) written += fs.writeSync(this.fd!, this.staging, written, bytes - written);
      if (this.fsync) fs.fsyncSync(this.fd!);
    } catch (err) {
      // the staged records are lost (their messages must not be acknowledged); a partial one at the
      // end of this segment is a torn tail, so the next record starts a new segment
      this.broken = true;
      throw err;
    }
    // a burst's oversized buffer is not kept
    if (this.staging.length > STAGING_KEEP_BYTES) this.staging = Buffer.allocUnsafe(STAGING_INITIAL_BYTES);
  }

  private growStaging(needed: number): void {
    const grown = Buffer.allocUnsafe(Math.max(this.staging.length * 2, this.stagedBytes + needed));
    this.staging.copy(grown, 0, 0, this.stagedBytes);
    this.staging = grown;
  }

  /** Mark messages as fully stored; segments with nothing outstanding are deleted. */
  commit(seqs: Iterable<number>): void {
    let changed = false;
    for (const seq of seqs) {
      const segment = this.owner.take(seq);
      if (!segment) continue;
      changed = true;
      segment.outstanding--;
      if (segment.outstanding === 0 && segment.closed) this.remove(segment);
    }
    if (changed) this.writeLowWaterSoon();
  }

  /**
   * The mark only spares a restart replaying stored messages (replays are idempotent), so it is
   * rewritten at most once per LOW_WATER_INTERVAL_MS, not after every stored batch: writing and
   * renaming a file took milliseconds on a busy disk (~2 % of ingest's CPU under load).
   */
  private writeLowWaterSoon(): void {
    if (this.lowWaterTimer) return;
    const wait = this.lowWaterWrittenAt + LOW_WATER_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.writeLowWater();
      return;
    }
    this.lowWaterTimer = setTimeout(() => {
      this.lowWaterTimer = null;
      this.writeLowWater();
    }, wait);
    this.lowWaterTimer.unref();
  }

  /** the lowest sequence number not yet committed */
  private lowWater(): number {
    return this.owner.first ?? this.nextSeq;
  }

  private writeLowWater(): void {
    const value = this.lowWater();
    if (value === this.writtenLowWater) return;
    this.lowWaterWrittenAt = Date.now();
    const file = path.join(this.dir, 'low-water');
    try {
      fs.writeFileSync(`${file}.tmp`, String(value));
      fs.renameSync(`${file}.tmp`, file);
      this.writtenLowWater = value;
    } catch {
      // a full disk: the older mark on disk stays valid (a restart replays a little more, idempotently); the next commit tries again
      fs.rmSync(`${file}.tmp`, { force: true });
    }
  }

  private readLowWater(): number {
    try {
      const value = Number(fs.readFileSync(path.join(this.dir, 'low-water'), 'utf8'));
      return Number.isSafeInteger(value) && value > 0 ? value : 0;
    } catch {
      return 0;
    }
  }

  /** bytes on disk not yet committed (a metric) */
  get bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  /** how long the oldest message not yet stored has waited, ms (0 when nothing waits) */
  oldestAgeMs(now = Date.now()): number {
    const receivedAt = this.owner.oldestReceivedAt;
    return receivedAt === undefined ? 0 : Math.max(0, now - receivedAt);
  }

  get outstanding(): number {
    return this.owner.size;
  }

  close(): void {
    this.flush();
    if (this.lowWaterTimer) {
      clearTimeout(this.lowWaterTimer);
      this.lowWaterTimer = null;
      if (this.fd !== null) this.writeLowWater();
    }
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    if (this.current) {
      this.current.closed = true;
      if (this.current.outstanding === 0) this.remove(this.current);
    }
    this.current = null;
  }

  private rotate(): void {
    const file = path.join(this.dir, `seg-${this.nextSeq}.wal`);
    // open the new segment first: when that fails (a full disk) the journal stays as it was and can try again
    const fd = fs.openSync(file, 'a');
    if (this.fd !== null) fs.closeSync(this.fd);
    if (this.current) {
      this.current.closed = true;
      if (this.current.outstanding === 0) this.remove(this.current);
    }
    this.fd = fd;
    this.broken = false;
    this.current = { firstSeq: this.nextSeq, file, bytes: 0, outstanding: 0, closed: false };
    this.segments.push(this.current);
  }

  private remove(segment: Segment): void {
    fs.rmSync(segment.file, { force: true });
    this.segments = this.segments.filter((s) => s !== segment);
  }
}

function segmentSeq(name: string): number {
  return Number(name.slice(4, -4));
}

/**
 * The messages not yet committed, by sequence number: sequence numbers are handed out in order, so
 * arrays indexed from the oldest one hold them (a Map per message cost more, with thousands waiting).
 */
class Outstanding {
  private segments: Array<Segment | undefined> = [];
  private times: number[] = [];
  /** the sequence number of index 0 */
  private base = 0;
  /** nothing outstanding before this index */
  private head = 0;
  size = 0;

  add(seq: number, segment: Segment, receivedAt: number): void {
    if (this.size === 0) {
      this.segments = [];
      this.times = [];
      this.base = seq;
      this.head = 0;
    }
    const i = seq - this.base;
    if (i < this.segments.length) {
      // a number seen before: only overlapping segments of a damaged journal replay one (below the
      // first is impossible: segments are replayed in order of their first number)
      if (i < 0) return;
      if (this.segments[i] === undefined) this.size++;
      this.segments[i] = segment;
      this.times[i] = receivedAt;
      this.head = Math.min(this.head, i);
      return;
    }
    while (this.segments.length < i) {
      this.segments.push(undefined);
      this.times.push(0);
    }
    this.segments.push(segment);
    this.times.push(receivedAt);
    this.size++;
  }

  /** forget the message; its segment, or undefined when it was not outstanding */
  take(seq: number): Segment | undefined {
    const i = seq - this.base;
    if (i < this.head || i >= this.segments.length) return undefined;
    const segment = this.segments[i];
    if (segment === undefined) return undefined;
    this.segments[i] = undefined;
    this.size--;
    if (this.size > 0) {
      while (this.segments[this.head] === undefined) this.head++;
      if (this.head > 4096 && this.head * 2 > this.segments.length) {
        this.segments = this.segments.slice(this.head);
        this.times = this.times.slice(this.head);
        this.base += this.head;
        this.head = 0;
      }
    }
    return segment;
  }

  /** the lowest outstanding sequence number */
  get first(): number | undefined {
    return this.size > 0 ? this.base + this.head : undefined;
  }

  get oldestReceivedAt(): number | undefined {
    return this.size > 0 ? this.times[this.head] : undefined;
  }
}
