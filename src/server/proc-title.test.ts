import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandTemplate, procTitle, validProcTitleTemplate, type ProcTitleVars } from './proc-title.js';

const VARS: ProcTitleVars = { title: 'garrison-server', bind: '127.0.0.1', port: 7733, tlsPort: 0, unixsocket: '', mode: 'standalone', configFile: null };

test("titles as redis-server 7.0.15 showed them for the same templates (ps, /proc/<pid>/cmdline)", () => {
  assert.equal(procTitle('{title} {listen-addr} {server-mode}', VARS), 'garrison-server 127.0.0.1:7733');
  assert.equal(procTitle('{title} {port}', VARS), 'garrison-server 7733');
  assert.equal(procTitle('}', VARS), '}');
  assert.equal(procTitle('a}b {port}', VARS), 'a}b 7733');
  assert.equal(procTitle('{{ {port}', VARS), '{ 7733');
  assert.equal(procTitle('  {port}  ', VARS), '7733');
  assert.equal(procTitle('{title} {listen-addr} {server-mode}', { ...VARS, bind: undefined, mode: 'sentinel' }), 'garrison-server *:7733 [sentinel]');
  assert.equal(procTitle('{listen-addr}', { ...VARS, port: 0, unixsocket: '/tmp/g.sock' }), 'unixsocket:/tmp/g.sock');
  assert.equal(procTitle('{config-file} {tls-port}', VARS), '- 0');
});

test('templates redis-server 7.0.15 refused are invalid; the ones it took are valid', () => {
  for (const t of ['{title}', '{server-mode}', '{foo}', 'x{', '  ', '', '{']) assert.equal(validProcTitleTemplate(t), false, t);
  for (const t of ['{title} {port}', '}', 'a}b {port}', '{{ {port}', '  {port}  ', 'x']) assert.equal(validProcTitleTemplate(t), true, t);
});

test('expandTemplate: {{ is a brace, a variable the lookup does not know or an unclosed { fails', () => {
  const lookup = (n: string): string | null => (n === 'a' ? 'A' : null);
  assert.equal(expandTemplate('x{a}y{{z}}', lookup), 'xAy{z}}');
  assert.equal(expandTemplate('{b}', lookup), null);
  assert.equal(expandTemplate('{a', lookup), null);
  assert.equal(expandTemplate('tail{', lookup), null);
});
