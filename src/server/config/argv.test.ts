import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleConfigText, parseArgv } from './argv.js';

function run(args: string[]): { configFile: string | null; fromStdin: boolean; options: string; sentinel: boolean } {
  const r = parseArgv(args);
  assert.equal(r.kind, 'run');
  if (r.kind !== 'run') throw new Error('unreachable');
  return { configFile: r.configFile, fromStdin: r.fromStdin, options: r.options, sentinel: r.sentinel };
}

test('version and help are recognised in the first position only', () => {
  assert.equal(parseArgv(['-v']).kind, 'version');
  assert.equal(parseArgv(['--version']).kind, 'version');
  assert.equal(parseArgv(['-h']).kind, 'help');
  assert.equal(parseArgv(['--help']).kind, 'help');
  assert.equal(parseArgv(['--port', '1', '--version']).kind, 'run');
  const none = parseArgv([]);
  assert.ok(none.kind === 'run' && none.noArguments);
});

test('options become config lines with quoted values, after the config file', () => {
  assert.deepEqual(run(['/etc/r.conf', '--port', '7000', '--save', '900', '1']),
    { configFile: '/etc/r.conf', fromStdin: false, options: 'port "7000" \nsave "900" "1" ', sentinel: false });
  assert.equal(run(['--port 7000']).options, 'port 7000 ');
  assert.equal(run(['--requirepass', '--x']).options, 'requirepass "--x" ');
  assert.equal(run(['--bind', 'a b', '-1']).options, 'bind "a b" "-1" ');
  assert.equal(run(['--foo']).options, 'foo ');
});

test('--save with no value means save ""', () => {
  assert.equal(run(['--save']).options, 'save ""');
  assert.equal(run(['--save', '--port', '1']).options, 'save ""\nport "1" ');
  assert.equal(run(['--save', '']).options, 'save "" ');
});

test('a lone - reads stdin when first or last; --sentinel anywhere selects Sentinel mode', () => {
  assert.equal(run(['-']).fromStdin, true);
  assert.equal(run(['r.conf', '--port', '1', '-']).fromStdin, true);
  assert.equal(run(['--port', '-', '--x', '1']).options, 'port "-" \nx "1" ');
  assert.equal(run(['r.conf', '--sentinel']).sentinel, true);
  assert.equal(run(['--sentinel', '--port', '1']).options, 'sentinel \nport "1" ');
  assert.ok(parseArgv(['r.conf'], '/usr/bin/redis-sentinel').kind === 'run');
  assert.equal(run(['x']).sentinel, false);
});

test('the config text is file, stdin, then options on their own lines', () => {
  assert.equal(assembleConfigText('port 1\n', 'hz 5\n', 'port "2" '), 'port 1\nhz 5\n\nport "2" ');
  assert.equal(assembleConfigText('', null, 'port "2" '), '\nport "2" ');
  assert.equal(assembleConfigText('a\n', null, ''), 'a\n');
});
