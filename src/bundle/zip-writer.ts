import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/** One file in a zip: a POSIX path relative to the zip root, and its bytes. */
export interface ZipEntry {
  path: string;
  data: Buffer;
}

// 1980-01-01 00:00:00, the earliest MS-DOS date: the same for every build, so the same
// inputs give the same bytes (and therefore the same sha256) on every machine.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
// Regular file, rw-r--r--: readable by the cloud runtime's user whatever the build umask was.
const EXTERNAL_ATTRS = (0o100644 << 16) >>> 0;
// "Made by" UNIX (3) with zip spec 2.0, so unzippers honour the permission bits above.
const VERSION_MADE_BY = (3 << 8) | 20;
const VERSION_NEEDED = 20;
const UTF8_FLAG = 0x0800;
const MAX_32 = 0xffffffff;

// A Buffer placed in many zips (the shared runtime module every function's zip holds) is compressed once.
const memo = new WeakMap<Buffer, { crc: number; deflated?: Buffer }>();
/**
 * Below this size an entry is stored: a deflate stream (zlib sets up some 300 KB of state for
 * each) costs more time than the few bytes it would save. Every per-function zip has one such
 * file, the index.mjs that wraps the handler.
 */
const STORE_BELOW = 1024;

/** Compress a Buffer that several zips will hold ahead of them (writeZip then finds it done). */
export function precompress(data: Buffer): void {
  compressed(data);
}

function compressed(data: Buffer): { crc: number; deflated?: Buffer } {
  let c = memo.get(data);
  if (!c) memo.set(data, (c = { crc: crc32(data) >>> 0, ...(data.length < STORE_BELOW ? {} : { deflated: deflateRawSync(data, { level: 9 }) }) }));
  return c;
}

/**
 * Build a deterministic zip in memory: entries sorted by path, fixed timestamps and
 * permissions, no extra fields, no comment. Deflate is used only when it saves bytes, and not for
 * entries under 1 KiB (STORE_BELOW).
 * No zip64: artifacts past 4 GB are far beyond any function size limit, so they throw.
 */
export function writeZip(entries: ZipEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const seen = new Set<string>();
  for (const entry of sorted) {
    if (seen.has(entry.path)) throw new Error(`duplicate zip entry ${entry.path}`);
    seen.add(entry.path);
    if (!entry.path || entry.path.startsWith('/') || entry.path.includes('\\') || entry.path.split('/').includes('..')) {
      throw new Error(`invalid zip entry path ${JSON.stringify(entry.path)}`);
    }
    const name = Buffer.from(entry.path, 'utf8');
    const flags = /^[\x20-\x7e]*$/.test(entry.path) ? 0 : UTF8_FLAG;
    const { crc, deflated } = compressed(entry.data);
    const useDeflate = deflated !== undefined && deflated.length < entry.data.length;
    const body = useDeflate ? deflated : entry.data;
    const method = useDeflate ? 8 : 0;
    if (entry.data.length > MAX_32 || offset > MAX_32) throw new Error('zip too large (zip64 is not supported)');

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra field length
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(EXTERNAL_ATTRS, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  if (sorted.length > 0xffff || offset > MAX_32) throw new Error('zip too large (zip64 is not supported)');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, ...centrals, end]);
}

/**
 * Read back a zip this writer made (the package cache takes unchanged bundles from the previous
 * build's zips): path -> bytes. Stored and deflated entries only, no zip64, each entry's CRC
 * checked. Throws on anything else; the cache treats that as a miss.
 */
export function readZip(zip: Buffer, seen?: Map<string, { body: Buffer; data: Buffer }>): Map<string, Buffer> {
  const endAt = zip.length - 22;
  if (endAt < 0 || zip.readUInt32LE(endAt) !== 0x06054b50) throw new Error('not a zip written by sls-x (no end record where expected)');
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + skip;
    if (zip.readUInt32LE(localAt) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const body = zip.subarray(dataAt, dataAt + size);
    // `seen`: entries already read from other zips of one build (the shared runtime module), by CRC and sizes.
    const key = `${crc}:${method}:${size}:${zip.readUInt32LE(at - 46 - nameLength - skip + 24)}`;
    // A hit is taken only for the very same stored bytes (a memcmp, not an inflate): this zip's copy
    // is checked, never assumed from its directory.
    const known = seen?.get(key);
    let data = known && known.body.equals(body) ? known.data : undefined;
    if (!data) {
      data = method === 0 ? Buffer.from(body) : method === 8 ? inflateRawSync(body) : undefined;
      if (!data || (crc32(data) >>> 0) !== crc) throw new Error(`cannot read ${name} (method ${method})`);
      if (!known) seen?.set(key, { body, data });
    }
    out.set(name, data);
  }
  return out;
}
