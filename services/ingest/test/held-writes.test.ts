import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HeldWrites } from '../src/held-writes.ts';

/** a stream that records each piece its underlying resource is handed */
function recorder() {
  const pieces: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pieces.push(chunk);
      done();
    },
  });
  return { stream, pieces };
}

describe('HeldWrites', () => {
  it('keeps writes until release, then hands them over as one piece, in order', () => {
    const { stream, pieces } = recorder();
    const held = new HeldWrites(stream);
    stream.write(Buffer.from('before'));
    held.hold();
    expect(held.held).toBe(true);
    expect(stream.write(Buffer.from([0x40, 0x02]))).toBe(true);
    stream.write(Buffer.from([0x00, 0x01]));
    stream.write('text', 'utf8');
    expect(pieces.map(String)).toEqual(['before']);
    held.release();
    expect(held.held).toBe(false);
    expect(pieces.slice(1).map((p) => [...p])).toEqual([[0x40, 0x02, 0x00, 0x01, 0x74, 0x65, 0x78, 0x74]]);
    // later writes go straight through, until the next hold
    stream.write(Buffer.from([1]));
    expect(pieces).toHaveLength(3);
    held.hold();
    stream.write(Buffer.from([2]));
    stream.write(Buffer.from([3]));
    held.release();
    expect(pieces.slice(3).map((p) => [...p])).toEqual([[2, 3]]);
  });

  it('drops what it holds: none of it is written, and callbacks hear why', () => {
    const { stream, pieces } = recorder();
    const held = new HeldWrites(stream);
    held.hold();
    const errors: Array<Error | null | undefined> = [];
    stream.write(Buffer.from('puback'), (err) => errors.push(err));
    held.drop();
    expect(pieces).toEqual([]);
    expect(errors.map((e) => e?.message)).toEqual(['held writes dropped']);
    stream.write(Buffer.from('after'));
    expect(pieces.map(String)).toEqual(['after']);
  });

  it('writes nothing to a stream that was ended or destroyed meanwhile', async () => {
    const { stream, pieces } = recorder();
    const held = new HeldWrites(stream);
    held.hold();
    const errors: string[] = [];
    stream.on('error', (err) => errors.push(err.message));
    stream.write(Buffer.from('late'));
    stream.end();
    held.release();
    await new Promise((r) => setImmediate(r));
    expect(pieces).toEqual([]);
    expect(errors).toEqual([]);
  });
});
