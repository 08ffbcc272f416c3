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
 * The file `low-water` holds the lowest sequence number not yet stored (rewritten after each
 * commit): records below it are not replayed, so a restart repeats at most the messages stored
 * after an older one that was still waiting.
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

export class Journal {
  private readonly dir: string;
  private readonly segmentBytes: number;
  private readonly fsync: boolean;
  private segments: Segment[] = [];
  private current: Segment | null = null;
  private fd: number | null = null;
  private nextSeq = 1;
  /** seq -> segment, for commits */
  private readonly owner = new Map<number, Segment>();
  private writtenLowWater = 0;
  /** seq -> receivedAt of outstanding messages, for the buffer-age metric */
  private readonly times = new Map<number, number>();

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
          this.owner.set(seq, segment);
          this.times.set(seq, receivedAt);
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
    const topicBytes = Buffer.byteLength(topic);
    const length = 8 + 2 + topicBytes + payload.length;
    const record = Buffer.allocUnsafe(4 + length);
    record.writeUInt32LE(length, 0);
    record.writeDoubleLE(receivedAt, 4);
    record.writeUInt16LE(topicBytes, 12);
    record.write(topic, HEADER, 'utf8');
    payload.copy(record, HEADER + topicBytes);

    if (!this.current || this.current.bytes >= this.segmentBytes) this.rotate();
    const segment = this.current!;
    fs.writeSync(this.fd!, record);
    if (this.fsync) fs.fsyncSync(this.fd!);
    segment.bytes += record.length;
    segment.outstanding++;
    const seq = this.nextSeq++;
    this.owner.set(seq, segment);
    this.times.set(seq, receivedAt);
    return seq;
  }

  /** Mark messages as fully stored; segments with nothing outstanding are deleted. */
  commit(seqs: Iterable<number>): void {
    let changed = false;
    for (const seq of seqs) {
      const segment = this.owner.get(seq);
      if (!segment) continue;
      changed = true;
      this.owner.delete(seq);
      this.times.delete(seq);
      segment.outstanding--;
      if (segment.outstanding === 0 && segment.closed) this.remove(segment);
    }
    if (changed) this.writeLowWater();
  }

  /** the lowest sequence number not yet committed (the map keeps insertion order, which is ascending) */
  private lowWater(): number {
    for (const seq of this.owner.keys()) return seq;
    return this.nextSeq;
  }

  private writeLowWater(): void {
    const value = this.lowWater();
    if (value === this.writtenLowWater) return;
    this.writtenLowWater = value;
    const file = path.join(this.dir, 'low-water');
    fs.writeFileSync(`${file}.tmp`, String(value));
    fs.renameSync(`${file}.tmp`, file);
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
    for (const receivedAt of this.times.values()) return Math.max(0, now - receivedAt);
    return 0;
  }

  get outstanding(): number {
    return this.owner.size;
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    if (this.current) {
      this.current.closed = true;
      if (this.current.outstanding === 0) this.remove(this.current);
    }
    this.current = null;
  }

  private rotate(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    if (this.current) {
      this.current.closed = true;
      if (this.current.outstanding === 0) this.remove(this.current);
    }
    const file = path.join(this.dir, `seg-${this.nextSeq}.wal`);
    this.fd = fs.openSync(file, 'a');
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
