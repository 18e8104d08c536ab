import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNotifyKeyspaceEvents, NOTIFY, NOTIFY_ALL, parseNotifyKeyspaceEvents } from './notify.js';

test('notify-keyspace-events letters parse into Redis bits and print in canonical order', () => {
  assert.equal(parseNotifyKeyspaceEvents(''), 0);
  assert.equal(parseNotifyKeyspaceEvents('KEA'), NOTIFY.KEYSPACE | NOTIFY.KEYEVENT | NOTIFY_ALL);
  assert.equal(parseNotifyKeyspaceEvents('Z'), null);
  assert.equal(parseNotifyKeyspaceEvents('Kx?'), null);
  const cases: Array<[string, string]> = [
    ['AnKE', 'AKE'], ['nA', 'A'], ['Em', 'Em'], ['gx$', 'g$x'], ['KA', 'AK'], ['td', 'td'], ['', ''],
    ['zhsl$gxetdnKEm', 'AKEm'], ['zhsl$gxedKE', 'g$lshzxedKE'], ['g$lshzxetd', 'A'], ['n', 'n'], ['mK', 'Km'],
  ];
  for (const [input, out] of cases) assert.equal(formatNotifyKeyspaceEvents(parseNotifyKeyspaceEvents(input)!), out, input);
});

test('A excludes key-miss and new-key events', () => {
  assert.equal(NOTIFY_ALL & NOTIFY.KEY_MISS, 0);
  assert.equal(NOTIFY_ALL & NOTIFY.NEW, 0);
  assert.equal(NOTIFY_ALL & NOTIFY.MODULE, NOTIFY.MODULE);
});
