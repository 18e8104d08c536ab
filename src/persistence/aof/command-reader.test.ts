import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeCommand } from '../../protocol/command-encode.js';
import { AofCommandReader, type ReadResult } from './command-reader.js';

function readAll(text: string | Buffer): ReadResult[] {
  const r = new AofCommandReader(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  const out: ReadResult[] = [];
  for (;;) {
    const x = r.next();
    out.push(x);
    if (x.kind !== 'command') return out;
  }
}

test('commands, annotations and binary arguments', () => {
  const text = '#TS:1700000000\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$4\r\na\r\n\x00\r\n';
  const out = readAll(text);
  assert.deepEqual(out, [
    { kind: 'command', argv: ['SELECT', '0'], end: 16 + 23 },
    { kind: 'command', argv: ['set', 'k', 'a\r\n\x00'], end: text.length },
    { kind: 'eof' },
  ]);
});

test('a file cut anywhere inside its last command reads as truncated, never as a format error', () => {
  const cmds = [['SET', 'key', 'value'], ['RPUSH', 'l', 'a', 'b\r\nc']];
  const whole = Buffer.concat(cmds.map((c) => encodeCommand(c)));
  const firstEnd = encodeCommand(cmds[0]!).length;
  for (let cut = firstEnd + 1; cut < whole.length; cut++) {
    const out = readAll(whole.subarray(0, cut));
    assert.equal(out.length, 2, `cut ${cut}`);
    assert.deepEqual(out[0], { kind: 'command', argv: cmds[0], end: firstEnd });
    assert.equal(out[1]!.kind, 'truncated', `cut ${cut}`);
  }
});

test('format errors as Redis reports them', () => {
  assert.equal(readAll('SET k v\r\n')[0]!.kind, 'format');
  assert.equal(readAll('*0\r\n')[0]!.kind, 'format');
  assert.equal(readAll('*1\r\nfoo\r\n')[0]!.kind, 'format');
  assert.equal(readAll('*')[0]!.kind, 'truncated');
});

test('property: encoded command streams read back as the same commands', () => {
  const arg = fc.string({ maxLength: 40 }).map((s) => Buffer.from(s, 'utf8').toString('latin1'));
  fc.assert(fc.property(fc.array(fc.array(arg, { minLength: 1, maxLength: 6 }), { maxLength: 30 }), (cmds) => {
    const bytes = Buffer.concat(cmds.map((c) => encodeCommand(c)));
    const out = readAll(bytes);
    assert.deepEqual(out.slice(0, -1).map((x) => (x.kind === 'command' ? x.argv : null)), cmds);
    assert.deepEqual(out[out.length - 1], { kind: 'eof' });
  }), { numRuns: 200 });
});
