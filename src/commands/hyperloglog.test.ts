import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { HLL_COMMANDS } from './hyperloglog.js';
import { HLL_REGISTERS, HllBuf, HllHasher, createHll, estimate, hllSet, sparseSet } from './hll-core.js';
import type { CollectionValue } from '../keyspace/value.js';
import { isError, type Reply } from '../protocol/reply.js';
import { FakeContext } from '../../test/helpers/fake-context.js';

class Ctx extends FakeContext {
  constructor(sparseMaxBytes = 3000) {
    super({ hllSparseMaxBytes: sparseMaxBytes });
  }

  override rewriteArgv(): void { assert.fail('HLL commands propagate verbatim'); }
  override alsoPropagate(): void { assert.fail('HLL commands propagate verbatim'); }
  override preventPropagation(): void { assert.fail('HLL commands propagate verbatim'); }
  override block(): Reply { return assert.fail('HLL commands never block'); }
  override random(): number { return 0.25; }

  /** Runs a command; `dirty` is how much the dirty counter grew (non-zero = propagated). */
  run(...argv: string[]): { reply: Reply; dirty: number } {
    const e = this.exec(HLL_COMMANDS, argv);
    return { reply: e.reply, dirty: e.dirty };
  }

  r(...argv: string[]): Reply { return this.run(...argv).reply; }

  get(key: string): string {
    const v = this.db.dict.get(key);
    assert.equal(typeof v, 'string');
    return v as string;
  }

  set(key: string, v: string | CollectionValue): void { this.ks.setKey(this.db, key, v); }
}

const hex = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
const sha = (s: string): string => createHash('sha256').update(Buffer.from(s, 'latin1')).digest('hex');
const errText = (r: Reply): string => (isError(r) ? r.s : assert.fail(`not an error: ${String(r)}`));
const INVALID = 'INVALIDOBJ Corrupted HLL object detected';
const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';

function addMany(c: Ctx, key: string, n: number): void {
  for (let i = 0; i < n; i += 5000) {
    const els: string[] = [];
    for (let j = i; j < Math.min(n, i + 5000); j++) els.push(`el:${j}`);
    c.r('pfadd', key, ...els);
  }
}

test('PFADD builds the sparse value redis-server 7.0 builds (golden bytes)', () => {
  const c = new Ctx();
  assert.equal(c.r('pfadd', 'h', 'a', 'b', 'c'), 1);
  assert.equal(hex(c.get('h')), '48594c4c01000000000000000000008060f38050b1844bfb80425a');
  assert.equal(c.r('pfdebug', 'decode', 'h'), 'Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603');
  assert.equal(c.r('pfcount', 'h'), 3);
  // The count is cached in the header and the invalid bit cleared.
  assert.equal(hex(c.get('h')).slice(0, 32), '48594c4c010000000300000000000000');

  assert.equal(c.r('pfadd', 'small', 'a', 'b', 'c', 'd', 'e', 'f', 'g'), 1);
  assert.equal(hex(c.get('small')), '48594c4c010000000000000000000080466d80560c80443c84388050b184498c80426d80425a');
  assert.equal(c.r('pfdebug', 'decode', 'small'),
    'Z:1646 v:1,1 Z:5645 v:1,1 Z:1085 v:2,1 z:57 v:1,1 Z:4274 v:2,1 Z:2445 v:1,1 Z:622 v:1,1 Z:603');
  assert.deepEqual(c.run('pfadd', 'small', 'a', 'g'), { reply: 0, dirty: 0 });
});

test('PFCOUNT and values equal redis-server 7.0 for 10, 1000 and 100000 elements and merges', () => {
  const c = new Ctx();
  // [elements, PFCOUNT, length, sha256 before PFCOUNT, sha256 after] taken from redis-server 7.0.15.
  const golden: ReadonlyArray<readonly [number, number, number, string, string]> = [
    [10, 10, 48, '0e9eb357c8eebc63439b4b7da82ccd9c49d31358d9622ec7b2486eb61b8c7192', 'aec1d29682abfa65055e38ae312adba8551838295069b72627e8e8b588c46895'],
    [1000, 999, 1892, 'a18a0f485230f4b2868d77a230ac57813a1b8d9b2c0abe55c75c29d14869ba17', 'b6b8b2bad8824cfb37a1914a55f60b102a44b0b8ee8026bbfda0905e3ce63eb7'],
    [100000, 98893, 12304, 'df7f9fda0c79c41ed50daf347e935954f9c021795998c59384e638ddfc94096d', '7fbc065660fb4fe90184acc9e6e4eba659132c1b9d867d495177311056ba34fa'],
  ];
  for (const [n, card, len, before, after] of golden) {
    addMany(c, `h${n}`, n);
    const v = c.get(`h${n}`);
    assert.equal(v.length, len);
    assert.equal(sha(v), before, `value for ${n}`);
    assert.deepEqual(c.run('pfcount', `h${n}`), { reply: card, dirty: 1 });
    assert.equal(sha(c.get(`h${n}`)), after);
    assert.deepEqual(c.run('pfcount', `h${n}`), { reply: card, dirty: 0 }, 'served from the cache');
  }
  assert.deepEqual(c.r('pfdebug', 'encoding', 'h1000'), { t: 'status', s: 'sparse' });
  assert.deepEqual(c.r('pfdebug', 'encoding', 'h100000'), { t: 'status', s: 'dense' });
  assert.deepEqual(c.run('pfmerge', 'm', 'h10', 'h1000'), { reply: { t: 'status', s: 'OK' }, dirty: 1 });
  assert.equal(c.r('pfcount', 'm'), 999);
  assert.equal(sha(c.get('m')), 'b6b8b2bad8824cfb37a1914a55f60b102a44b0b8ee8026bbfda0905e3ce63eb7');
  c.r('pfmerge', 'm2', 'h1000', 'h100000');
  assert.equal(c.r('pfcount', 'm2'), 98893);
  assert.deepEqual(c.run('pfcount', 'h10', 'h1000', 'h100000', 'missing'), { reply: 98893, dirty: 0 });
});

test('registers do not depend on the order elements are added, nor on the encoding', () => {
  fc.assert(fc.property(
    fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 300 }),
    fc.integer({ min: 0, max: 4000 }),
    fc.nat(),
    (elements, maxBytes, seed) => {
      const shuffled = [...elements];
      let s = seed;
      for (let i = shuffled.length - 1; i > 0; i--) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        const j = s % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const latin1 = (e: string): string => Buffer.from(e, 'utf8').toString('latin1');
      const a = new Ctx(3000);
      const b = new Ctx(maxBytes);
      a.r('pfadd', 'h', ...elements.map(latin1));
      b.r('pfadd', 'h');
      for (const e of shuffled) b.r('pfadd', 'h', latin1(e));
      const regsA = a.r('pfdebug', 'getreg', 'h');
      assert.deepEqual(b.r('pfdebug', 'getreg', 'h'), regsA);
      assert.equal(a.r('pfcount', 'h'), b.r('pfcount', 'h'));
    }), { numRuns: 60 });
});

test('sparse and dense sets agree register by register, including promotion by value and by size', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.nat({ max: HLL_REGISTERS - 1 }), fc.integer({ min: 1, max: 51 })), { maxLength: 400 }),
    fc.integer({ min: 0, max: 3000 }),
    (sets, maxBytes) => {
      const h = createHll();
      const model = new Uint8Array(HLL_REGISTERS);
      for (const [index, count] of sets) {
        const changed = model[index]! < count;
        if (changed) model[index] = count;
        assert.equal(hllSet(h, index, count, maxBytes), changed ? 1 : 0);
        if (h.encoding === 1) assert.ok(h.len <= Math.max(maxBytes, 18), 'sparse stays within the limit');
      }
      const c = new Ctx();
      c.set('h', h.toString());
      assert.deepEqual(c.r('pfdebug', 'getreg', 'h'), [...model]);
    }), { numRuns: 200 });
});

test('sparse opcodes are merged and split as Redis does', () => {
  const h = createHll();
  const decode = (): Reply => {
    const c = new Ctx();
    c.set('h', h.toString());
    return c.r('pfdebug', 'decode', 'h');
  };
  assert.equal(sparseSet(h, 0, 3, 3000), 1);
  assert.equal(decode(), 'v:3,1 Z:16383');
  assert.equal(sparseSet(h, 2, 3, 3000), 1);
  assert.equal(decode(), 'v:3,1 z:1 v:3,1 Z:16381');
  assert.equal(sparseSet(h, 1, 3, 3000), 1); // ZERO of 1 replaced, then the three VALs merge
  assert.equal(decode(), 'v:3,3 Z:16381');
  assert.equal(sparseSet(h, 1, 2, 3000), 0);
  assert.equal(sparseSet(h, 1, 5, 3000), 1); // VAL run split around the register
  assert.equal(decode(), 'v:3,1 v:5,1 v:3,1 Z:16381');
  assert.equal(sparseSet(h, 16383, 32, 3000), 1);
  assert.equal(decode(), 'v:3,1 v:5,1 v:3,1 Z:16380 v:32,1');
  assert.equal(sparseSet(h, 100, 33, 3000), 1); // beyond a VAL's range: dense
  assert.equal(h.encoding, 0);
  assert.equal(h.len, 12304);
});

test('an element whose run (33) does not fit a sparse VAL makes the value dense', () => {
  const hs = new HllHasher();
  hs.patLenString('big6209776902'); // found by search; redis-server agrees (PFDEBUG GETREG)
  assert.deepEqual([hs.index, hs.count], [2711, 33]);
  const c = new Ctx();
  c.r('pfadd', 'h', 'a', 'b');
  assert.deepEqual(c.run('pfadd', 'h', 'big6209776902'), { reply: 1, dirty: 1 });
  assert.deepEqual(c.r('pfdebug', 'encoding', 'h'), { t: 'status', s: 'dense' });
  assert.equal((c.r('pfdebug', 'getreg', 'h') as number[])[2711], 33);
  assert.equal(c.r('pfcount', 'h'), 3);
});

test('PFCOUNT caches into the string, signals and counts a change; PFADD invalidates', () => {
  const c = new Ctx();
  c.r('pfadd', 'h', 'x', 'y');
  c.modified = [];
  assert.deepEqual(c.run('pfcount', 'h'), { reply: 2, dirty: 1 });
  assert.deepEqual(c.modified, ['0:h']);
  assert.deepEqual(c.events.filter((e) => !e.includes('pfadd')), []);
  // A valid cache is served as stored, even when it was written by hand.
  c.set('h', c.get('h').slice(0, 8) + '\x2a\x00\x00\x00\x00\x00\x00\x00' + c.get('h').slice(16));
  assert.deepEqual(c.run('pfcount', 'h'), { reply: 42, dirty: 0 });
  c.set('h', c.get('h').slice(0, 8) + '\xff\xff\xff\xff\xff\xff\xff\x7f' + c.get('h').slice(16));
  assert.equal(c.r('pfcount', 'h'), 9223372036854775807n);
  assert.deepEqual(c.run('pfadd', 'h', 'z'), { reply: 1, dirty: 1 });
  assert.equal(c.get('h').charCodeAt(15) & 0x80, 0x80, 'cache invalidated');
  assert.equal(c.r('pfcount', 'h'), 3);
  assert.deepEqual(c.run('pfadd', 'new'), { reply: 1, dirty: 1 });
  assert.deepEqual(c.run('pfadd', 'new'), { reply: 0, dirty: 0 });
  assert.deepEqual(c.run('pfadd', 'h', 'a', 'b', 'a'), { reply: 1, dirty: 2 });
  assert.deepEqual(c.events, ['$ pfadd 0:h', '$ pfadd 0:h', '$ pfadd 0:new', '$ pfadd 0:h']);
});

test('estimate: empty, and corrupt registers that make it overflow as llroundl does on x86', () => {
  const histo = new Int32Array(64);
  histo[0] = HLL_REGISTERS;
  assert.equal(estimate(histo), 0n);
  histo.fill(0);
  histo[51] = HLL_REGISTERS;
  assert.equal(estimate(histo), 1n << 63n);
  const c = new Ctx();
  c.r('pfadd', 'd', 'x');
  c.r('pfdebug', 'todense', 'd');
  c.set('d', c.get('d').slice(0, 16) + '\xff'.repeat(12288));
  assert.equal(c.r('pfcount', 'd'), -9223372036854775808n);
  assert.equal(c.r('pfcount', 'd', 'missing'), -9223372036854775808n);
});

test('errors: wrong types, not an HLL, corrupt sparse values (INVALIDOBJ)', () => {
  const c = new Ctx();
  const list: CollectionValue = { type: 'list', encoding: () => 'quicklist', clone: () => list, memoryUsage: () => 0 };
  c.set('l', list);
  c.set('s', 'HYLL');
  c.set('bad', 'HYLL\x02' + '\x00'.repeat(11) + '\x7f\xff');
  c.set('shortdense', 'HYLL\x00' + '\x00'.repeat(20));
  for (const cmd of [['pfadd', 'l', 'a'], ['pfcount', 'l'], ['pfcount', 'x', 'l'], ['pfmerge', 'l', 'x'], ['pfmerge', 'x', 'l'], ['pfdebug', 'getreg', 'l']]) {
    assert.equal(errText(c.r(...cmd)), 'WRONGTYPE Operation against a key holding the wrong kind of value', cmd.join(' '));
  }
  for (const key of ['s', 'bad', 'shortdense']) {
    for (const cmd of [['pfadd', key, 'a'], ['pfcount', key], ['pfcount', key, 'x'], ['pfmerge', 'x', key], ['pfdebug', 'encoding', key]]) {
      assert.equal(errText(c.r(...cmd)), NOT_HLL, cmd.join(' '));
    }
  }
  assert.equal(errText(c.r('pfdebug', 'getreg', 'missing')), 'ERR The specified key does not exist');
  c.r('pfadd', 'h', 'a');
  assert.equal(errText(c.r('pfdebug', 'nope\r\n', 'h')), "ERR Unknown PFDEBUG subcommand 'nope  '");
  c.r('pfdebug', 'todense', 'h');
  assert.equal(errText(c.r('pfdebug', 'decode', 'h')), 'ERR HLL encoding is not sparse');

  const hdr = 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80';
  // Opcodes covering more or fewer than 16384 registers.
  for (const ops of ['\x7f\xff\x80', '\x7f\xfe\x81', '\x7f\xff\x00', '\x7f\xfe', '']) {
    c.set('c', hdr + ops);
    assert.equal(errText(c.r('pfcount', 'c')), INVALID, hex(ops));
    assert.equal(errText(c.r('pfcount', 'c', 'h')), INVALID);
    assert.equal(errText(c.r('pfmerge', 'd', 'c')), INVALID);
    assert.equal(errText(c.r('pfdebug', 'todense', 'c')), INVALID);
    assert.equal(errText(c.r('pfdebug', 'getreg', 'c')), INVALID);
  }
  // Registers 0..99 only: elements landing there are added, the first beyond fails, and what
  // was changed before the failure stays (Redis edits in place).
  c.set('p', hdr + '\x40\x63');
  const hs = new HllHasher();
  const low: string[] = [];
  let high = '';
  for (let i = 0; low.length < 2 || high === ''; i++) {
    hs.patLenString(`e${i}`);
    if (hs.index < 100 && low.length < 2) low.push(`e${i}`);
    else if (hs.index >= 100 && high === '') high = `e${i}`;
  }
  const before = c.get('p');
  assert.deepEqual(c.run('pfadd', 'p', ...low, high), { reply: { t: 'error', s: INVALID }, dirty: 0 });
  assert.notEqual(c.get('p'), before);
  assert.equal(c.get('p').length > before.length, true);
});

test('PFMERGE: destination is a source, dense when any source is dense, and created when missing', () => {
  const c = new Ctx();
  c.r('pfadd', 'a', 'x', 'y');
  c.r('pfadd', 'b', 'y', 'z');
  assert.deepEqual(c.r('pfmerge', 'a', 'b'), { t: 'status', s: 'OK' });
  assert.equal(c.r('pfcount', 'a'), 3);
  assert.deepEqual(c.r('pfdebug', 'encoding', 'a'), { t: 'status', s: 'sparse' });
  c.r('pfdebug', 'todense', 'b');
  c.r('pfmerge', 'c', 'a', 'b');
  assert.deepEqual(c.r('pfdebug', 'encoding', 'c'), { t: 'status', s: 'dense' });
  assert.equal(c.r('pfcount', 'c'), 3);
  assert.deepEqual(c.run('pfmerge', 'empty'), { reply: { t: 'status', s: 'OK' }, dirty: 1 });
  assert.equal(hex(c.get('empty')), '48594c4c01000000000000000000008' + '07fff');
  assert.deepEqual(c.r('pfdebug', 'getreg', 'c'), c.r('pfdebug', 'getreg', 'a'));
});

test('PFDEBUG TODENSE/GETREG convert (a propagated change) only when sparse', () => {
  const c = new Ctx();
  c.r('pfadd', 'h', 'a');
  const regs = c.run('pfdebug', 'getreg', 'h');
  assert.equal(regs.dirty, 1);
  assert.equal((regs.reply as Reply[]).length, HLL_REGISTERS);
  assert.equal((regs.reply as number[]).filter((v) => v !== 0).length, 1);
  assert.deepEqual(c.run('pfdebug', 'todense', 'h'), { reply: 0, dirty: 0 });
  c.r('pfadd', 'g', 'a');
  assert.deepEqual(c.run('pfdebug', 'todense', 'g'), { reply: 1, dirty: 1 });
  assert.equal(c.get('g'), c.get('h'));
  assert.deepEqual(c.run('pfdebug', 'ENCODING', 'g'), { reply: { t: 'status', s: 'dense' }, dirty: 0 });
});

test('PFSELFTEST passes against this implementation', () => {
  const c = new Ctx();
  assert.deepEqual(c.r('pfselftest'), { t: 'status', s: 'OK' });
});

test('HllBuf round-trips a value through bytes', () => {
  const s = createHll().toString();
  assert.equal(HllBuf.fromString(s).toString(), s);
});
