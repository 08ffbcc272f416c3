/** Reads back a ustar archive for the tests: names, sizes, times, and whether each header checksum is right. */
export interface TarRecord {
  name: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  type: string;
  magic: string;
  checksumOk: boolean;
  data: Buffer;
}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

export function readTar(archive: Buffer): { records: TarRecord[]; trailerZeroBlocks: number } {
  const records: TarRecord[] = [];
  let offset = 0;
  while (offset + 512 <= archive.length) {
    const block = archive.subarray(offset, offset + 512);
    if (block.every((b) => b === 0)) break;
    const size = parseInt(field(block, 124, 12).trim(), 8);
    let sum = 0;
    for (let i = 0; i < 512; i += 1) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
    records.push({
      name: field(block, 0, 100),
      size,
      mode: parseInt(field(block, 100, 8).trim(), 8),
      uid: parseInt(field(block, 108, 8).trim(), 8),
      gid: parseInt(field(block, 116, 8).trim(), 8),
      mtime: parseInt(field(block, 136, 12).trim(), 8),
      type: field(block, 156, 1),
      magic: field(block, 257, 6),
      checksumOk: parseInt(field(block, 148, 8).trim(), 8) === sum,
      data: Buffer.from(archive.subarray(offset + 512, offset + 512 + size)),
    });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  let zeroBlocks = 0;
  while (offset + 512 <= archive.length && archive.subarray(offset, offset + 512).every((b) => b === 0)) {
    zeroBlocks += 1;
    offset += 512;
  }
  return { records, trailerZeroBlocks: offset === archive.length ? zeroBlocks : -1 };
}
