import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { ScoreTree } from './score-tree.js';

type Pair = [string, number];
const cmp = (a: Pair, b: Pair): number => (a[1] - b[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function contents(t: ScoreTree): Pair[] {
  const out: Pair[] = [];
  if (t.length > 0) t.walk(0, false, (m, s) => { out.push([m, s]); return true; });
  return out;
}

/** Everything observable against the sorted model, plus the shape's invariants. */
function agree(t: ScoreTree, model: Pair[]): void {
  t.verify();
  assert.equal(t.length, model.length);
  assert.deepEqual(contents(t), model);
  if (model.length === 0) return;
  const back: Pair[] = [];
  t.walk(model.length - 1, true, (m, s) => { back.push([m, s]); return true; });
  assert.deepEqual(back.reverse(), model);
  const step = Math.max(1, Math.floor(model.length / 40));
  for (let i = 0; i < model.length; i += step) {
    const [m, s] = model[i]!;
    assert.equal(t.rank(s, m), i);
    assert.equal(t.memberAt(i), m);
    assert.equal(t.scoreAt(i), s);
    // The leading run "score below s" ends at the first element of score s.
    const firstOfScore = model.findIndex(([, x]) => x === s);
    assert.equal(t.countLeading((_m, x) => x < s), firstOfScore);
  }
  assert.equal(t.rank(1e9, 'absent'), -1);
  // A member that sorts after every member of the first score, absent: no rank.
  assert.equal(t.rank(model[0]![1], '\xff\xff absent'), -1);
}

test('score tree: ordered inserts, ranks and walks over several levels', () => {
  const t = new ScoreTree();
  const model: Pair[] = [];
  for (let i = 0; i < 20000; i++) {
    const s = (i * 7919) % 1009;
    const m = `m${i}`;
    t.insert(s, m);
    model.push([m, s]);
  }
  model.sort(cmp);
  agree(t, model);
  // 20000 elements in nodes of at most 64 entries need three levels.
  assert.equal(t.depth, 2);
  assert.equal(t.countLeading(() => true), 20000);
  assert.equal(t.countLeading(() => false), 0);
});

test('score tree: deleting everything, in random order, shrinks it back to one leaf', () => {
  const t = new ScoreTree();
  let model: Pair[] = [];
  for (let i = 0; i < 5000; i++) { t.insert(i % 50, `k${i}`); model.push([`k${i}`, i % 50]); }
  model.sort(cmp);
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  while (model.length > 0) {
    const [m, s] = model[rnd(model.length)]!;
    assert.equal(t.delete(s, m), true);
    assert.equal(t.delete(s, m), false);
    model = model.filter(([x]) => x !== m);
    if (model.length % 250 === 0) agree(t, model);
  }
  agree(t, model);
  t.insert(1, 'again');
  agree(t, [['again', 1]]);
});

test('score tree: range deletions across leaves report the members in order', () => {
  const t = new ScoreTree();
  let model: Pair[] = [];
  for (let i = 0; i < 3000; i++) { t.insert(i, `e${i}`); model.push([`e${i}`, i]); }
  const removed: string[] = [];
  t.deleteRange(100, 2500, (m) => removed.push(m));
  assert.deepEqual(removed, model.slice(100, 2600).map(([m]) => m));
  model = [...model.slice(0, 100), ...model.slice(2600)];
  agree(t, model);
  t.deleteRange(0, model.length, () => {});
  agree(t, []);
});

test('score tree: -0 and 0 are one score, ordered by member, and keep their sign', () => {
  const t = new ScoreTree();
  t.insert(0, 'b');
  t.insert(-0, 'a');
  t.insert(-0, 'c');
  assert.deepEqual(contents(t).map(([m]) => m), ['a', 'b', 'c']);
  assert.ok(Object.is(t.scoreAt(0), -0));
  assert.equal(t.rank(0, 'a'), 0);
  assert.equal(t.delete(0, 'c'), true);
  t.verify();
});

const opArb = fc.oneof(
  fc.record({ k: fc.constant('add' as const), m: fc.integer({ min: 0, max: 400 }), s: fc.integer({ min: -20, max: 20 }) }),
  fc.record({ k: fc.constant('del' as const), m: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ k: fc.constant('range' as const), a: fc.nat(500), n: fc.nat(120) }),
  // A small change of score, which often leaves the element between its neighbours (in place).
  fc.record({ k: fc.constant('nudge' as const), m: fc.integer({ min: 0, max: 400 }), d: fc.constantFrom(-1e-9, 1e-9, -0.5, 0.5) }),
);

test('score tree: random operations agree with a sorted-array model', () => {
  fc.assert(fc.property(fc.array(opArb, { minLength: 300, maxLength: 900 }), (ops) => {
    const t = new ScoreTree();
    const scores = new Map<string, number>();
    let model: Pair[] = [];
    for (const op of ops) {
      if (op.k === 'add') {
        const m = `m${op.m}`;
        const old = scores.get(m);
        if (old !== undefined) {
          // Half the updates move the element, half delete and insert it again.
          if (op.m % 2 === 0) assert.equal(t.move(old, m, op.s), true);
          else { assert.equal(t.delete(old, m), true); t.insert(op.s, m); }
          model = model.filter(([x]) => x !== m);
        } else {
          assert.equal(t.move(op.s, m, op.s + 1), false);
          t.insert(op.s, m);
        }
        scores.set(m, op.s);
        model.push([m, op.s]);
        model.sort(cmp);
      } else if (op.k === 'nudge') {
        const m = `m${op.m}`;
        const old = scores.get(m);
        if (old === undefined) continue;
        assert.equal(t.move(old, m, old + op.d), true);
        scores.set(m, old + op.d);
        model = model.map(([x, s]): Pair => (x === m ? [x, old + op.d] : [x, s])).sort(cmp);
      } else if (op.k === 'del') {
        const m = `m${op.m}`;
        const old = scores.get(m);
        assert.equal(t.delete(old ?? 0, m), old !== undefined);
        scores.delete(m);
        model = model.filter(([x]) => x !== m);
      } else if (op.a < model.length) {
        const n = Math.min(op.n, model.length - op.a);
        const removed: string[] = [];
        t.deleteRange(op.a, n, (m) => removed.push(m));
        assert.deepEqual(removed, model.slice(op.a, op.a + n).map(([m]) => m));
        for (const m of removed) scores.delete(m);
        model.splice(op.a, n);
      }
      t.verify();
    }
    agree(t, model);
    return t.depth >= 1 || model.length <= 64;
  }), { numRuns: 150 });
});

test('score tree: deleteRange and walk callbacks may use another tree', { timeout: 20_000 }, () => {
  const a = new ScoreTree(), b = new ScoreTree();
  const model: Pair[] = [];
  for (let i = 0; i < 2000; i++) { a.insert(i, `a${i}`); model.push([`a${i}`, i]); }
  // Moving ranks 100..1899 of a into b, one insert per removed member.
  a.deleteRange(100, 1800, (m) => b.insert(Number(m.slice(1)), m));
  agree(a, [...model.slice(0, 100), ...model.slice(1900)]);
  agree(b, model.slice(100, 1900));
  const c = new ScoreTree();
  b.walk(0, false, (m, s) => { c.insert(-s, m); return true; });
  agree(c, model.slice(100, 1900).map(([m, s]): Pair => [m, -s]).sort(cmp));
});

test('score tree: fromSorted builds a valid tree of any size, which then takes updates', () => {
  for (const n of [0, 1, 63, 64, 65, 100, 113, 3585, 20000]) {
    const model: Pair[] = [];
    for (let i = 0; i < n; i++) model.push([`m${String(i).padStart(6, '0')}`, Math.floor(i / 3)]);
    const t = ScoreTree.fromSorted(model.map(([, s]) => s), model.map(([m]) => m));
    agree(t, model);
    // Bulk-built nodes are filled beyond half, so the tree is no taller than a tree of inserts.
    if (n > 64) assert.ok(t.depth <= Math.ceil(Math.log(n / 32) / Math.log(32)), `depth ${t.depth} for ${n}`);
    // Updates on the built tree keep every invariant.
    for (let i = 0; i < Math.min(n, 500); i += 7) {
      const [m, s] = model[i]!;
      assert.equal(t.delete(s, m), true);
      t.insert(-s - 1, m);
    }
    const moved = new Set<number>();
    for (let i = 0; i < Math.min(n, 500); i += 7) moved.add(i);
    const expect = model.map(([m, s], i): Pair => (moved.has(i) ? [m, -s - 1] : [m, s])).sort(cmp);
    agree(t, expect);
  }
});

test('score tree: every scores array is packed doubles and every members array packed elements, whatever the scores', () => {
  // V8's elements kinds are only visible to natives syntax, so a child process checks them: a tree
  // grown from small-integer scores (inserts, splits, moves, deletions, a bulk build) must hold
  // the same array kinds as one of fractional scores, or the shifts go polymorphic and box.
  const script = `
    const { ScoreTree } = await import(${JSON.stringify(new URL('./score-tree.js', import.meta.url).href)});
    const bad = [];
    const check = (n, path) => {
      if (!%HasDoubleElements(n.scores) || !%HasFastPackedElements(n.scores)) bad.push(path + ' scores');
      if (!%HasObjectElements(n.members) || !%HasFastPackedElements(n.members)) bad.push(path + ' members');
      if (n.kids !== null) for (let i = 0; i < n.kids.length; i += 2) check(n.kids[i], path + '/' + i / 2);
    };
    const grown = new ScoreTree();
    for (let i = 0; i < 5000; i++) grown.insert(i % 97, 'm' + i);
    for (let i = 0; i < 5000; i += 3) grown.move(i % 97, 'm' + i, (i * 7) % 89);
    for (let i = 1; i < 5000; i += 3) grown.delete(i % 97, 'm' + i);
    check(grown['root'], 'grown');
    const small = new ScoreTree();
    small.insert(1, 'a');
    check(small['root'], 'small');
    const scores = [], members = [];
    for (let i = 0; i < 3000; i++) { scores.push(i); members.push('b' + i); }
    check(ScoreTree.fromSorted(scores, members)['root'], 'bulk');
    check(ScoreTree.fromSorted(scores.slice(0, 10), members.slice(0, 10))['root'], 'bulk-small');
    console.log(JSON.stringify(bad));
  `;
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script]).toString();
  assert.deepEqual(JSON.parse(out), []);
});
