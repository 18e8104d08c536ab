/**
 * The ACL core without a server: rules, descriptions, key and channel checks, the ACL file and
 * `user` line parsers. Expected texts are redis-server 7.0.15's (test/interop/acl*.test.ts
 * compares the running servers); single-command rules are compared in Garrison's order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_COMMANDS } from '../../commands/index.js';
import { CommandTable } from '../../commands/registry.js';
import type { CommandSpec } from '../../commands/spec.js';
import type { Client } from '../client.js';
import { SERVER_COMMANDS } from '../commands/index.js';
import type { Acl } from './acl.js';
import { aclChannels, aclKeys } from './acl.js';
import { AclCatalog } from './catalog.js';
import { checkUserDirective, parseAclFile } from './file.js';
import { PERM_READ, PERM_WRITE } from './selector.js';
import { AclUser } from './user.js';

const table = new CommandTable<Client>();
table.register([...(DATA_COMMANDS as readonly CommandSpec<Client>[]), ...SERVER_COMMANDS]);
const catalog = new AclCatalog(table);

function user(...rules: string[]): AclUser {
  const u = new AclUser('u', catalog, () => false);
  assert.equal(u.setRules(rules), null, `rules ${rules.join(' ')}`);
  return u;
}

function cmd(argv: string[]): ReturnType<typeof table.lookup> & object {
  let c = table.lookup(argv[0]!)!;
  if (c.subcommands !== undefined && argv.length >= 2) c = c.subcommands.get(argv[1]!.toLowerCase())!;
  return c;
}

test('command rules are described from the bits: +@all or -@all, greedy categories, then single commands', () => {
  const cases: Array<[string[], string]> = [
    [['+@all', '-debug', '+config|get'], '+@all -debug'],
    [['-@all', '+config|get'], '-@all +config|get'],
    [['+config', '-config|set'], '-@all +config -config|set'],
    [['-@all', '+get', '-get'], '-@all'],
    [['-@all', '+@string', '-get', '+get'], '-@all +@string'],
    [['-@all', '+@all'], '+@all'],
    [['nocommands', '+@all', '-@all', '+get'], '-@all +get'],
    [['allcommands', '-@all', '+client|list'], '-@all +client|list'],
    [['+@all', '-@dangerous', '-@admin'], '+@all -@dangerous'],
    [['+@all', '-@dangerous', '+config|get'], '+@all -@dangerous +config|get'],
    [['-@all', '+@hash', '+@string', '+@list'], '-@all +@list +@string +@hash'],
    [['-@all', '+@read', '+@write'], '-@all +@write +@read'],
    [['-@all', '+client', '-client|kill'], '-@all +client -client|kill'],
    [['+@all', '-acl', '+acl|whoami'], '+@all -acl +acl|whoami'],
    [['+config|get', '+config'], '-@all +config'],
    [['-@all', '+select|0', '+select|1'], '-@all +select|0 +select|1'],
    [['+@all', '-select', '+select|0'], '+@all -select +select|0'],
    [['-@all', '+select|0', '+select'], '-@all +select'],
    [['-@all', '+select', '+select|0'], '-@all +select'],
  ];
  for (const [rules, want] of cases) assert.equal(user(...rules).root.describeCommands(), want, rules.join(' '));
});

test('users are described as ACL LIST writes them', () => {
  assert.equal(new AclUser('n', catalog, () => false).describe(), 'off resetchannels -@all');
  assert.equal(new AclUser('n', catalog, () => true).describe(), 'off &* -@all');
  assert.equal(user('reset').describe(), 'off sanitize-payload resetchannels -@all');
  assert.equal(user('+@all', '~*', '&*', 'on', 'nopass').describe(), 'on nopass ~* &* +@all');
  assert.equal(user('%R~a', '%W~a', '%R~b', '~').describe(), 'off ~a %R~b ~ resetchannels -@all');
  assert.equal(user('%RW~*', '~foo').describe(), 'off ~* ~foo resetchannels -@all');
  assert.equal(user('on', '>abc', 'skip-sanitize-payload', '~x*', '+get', '(~y +set)', '()').describe(),
    'on skip-sanitize-payload #ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad ~x* resetchannels -@all +get ' +
    '(~y resetchannels -@all +set) (resetchannels -@all)');
});

test('rules are all or nothing, with Redis error texts', () => {
  const u = user('on', '~a');
  assert.equal(u.setRules(['~b', 'bogus']), "Error in ACL SETUSER modifier 'bogus': Syntax error");
  assert.equal(u.root.describeKeys(), '~a', 'nothing applied');
  assert.equal(u.setRules(['(+get', '~x']), "Unmatched parenthesis in acl selector starting at '(+get'.");
  assert.equal(u.setRules(['allkeys', '~x']), "Error in ACL SETUSER modifier '~x': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns");
  assert.equal(u.setRules(['&*', '&x']), "Error in ACL SETUSER modifier '&x': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels");
  assert.equal(u.setRules(['<nope']), "Error in ACL SETUSER modifier '<nope': The password you are trying to remove from the user does not exist");
  assert.equal(u.setRules(['#ABC']), "Error in ACL SETUSER modifier '#ABC': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters");
  assert.equal(u.setRules(['+config|get|x']), "Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand is not supported");
  assert.equal(u.setRules(['-select|0']), "Error in ACL SETUSER modifier '-select|0': Unknown command or category name in ACL");
  assert.equal(u.setRules(['+get|']), "Error in ACL SETUSER modifier '+get|': Syntax error");
  assert.equal(u.setRules(['%~a']), "Error in ACL SETUSER modifier '%~a': Syntax error");
  assert.equal(u.setRules(['(on)']), "Error in ACL SETUSER modifier '(on)': Syntax error");
});

test('keys need one pattern carrying every permission the access needs', () => {
  const u = user('%R~a*', '%W~a');
  const s = u.root;
  const allowed = (argv: string[]): boolean => aclKeys(cmd(argv), argv).every((k) => s.allowsKey(argv[k.pos]!, k.perms));
  assert.equal(allowed(['GET', 'a']), true);
  assert.equal(allowed(['SET', 'a', '1']), true, 'SET without GET only writes');
  assert.equal(allowed(['SET', 'a', '1', 'GET']), false, 'SET ... GET reads too: no pattern has both');
  assert.equal(allowed(['INCR', 'a']), false);
  assert.equal(allowed(['GET', 'b']), false);
  assert.deepEqual(aclKeys(cmd(['BITFIELD', 'k', 'GET', 'u8', '0']), ['BITFIELD', 'k', 'GET', 'u8', '0']), [{ pos: 1, perms: PERM_READ }]);
  assert.deepEqual(aclKeys(cmd(['SORT', 'k', 'STORE', 'd']), ['SORT', 'k', 'STORE', 'd']), [{ pos: 1, perms: PERM_READ }, { pos: 3, perms: PERM_WRITE }]);
  assert.deepEqual(aclKeys(cmd(['EXISTS', 'k']), ['EXISTS', 'k']), [{ pos: 1, perms: 0 }], 'RO without access needs no permission');
});

test('channels glob-match, PSUBSCRIBE patterns must be allowed literally', () => {
  const s = user('&pub*', '&pat:*').root;
  const argv = ['PSUBSCRIBE', 'pub*', 'pub1*'];
  const refs = aclChannels(cmd(argv), argv);
  assert.deepEqual(refs.map((r) => s.allowsChannel(argv[r.pos]!, r.pattern)), [true, false]);
  const pub = ['PUBLISH', 'pub1', 'x'];
  assert.equal(aclChannels(cmd(pub), pub).every((r) => s.allowsChannel(pub[r.pos]!, r.pattern)), true);
  assert.deepEqual(aclChannels(cmd(['UNSUBSCRIBE', 'x']), ['UNSUBSCRIBE', 'x']), []);
});

test('first-arg rules allow one command with chosen first arguments', () => {
  const s = user('+select|0').root;
  const select = cmd(['SELECT', '0']);
  const entry = catalog.byId[select.aclId]!;
  assert.equal(s.allowsCommand(entry, ['SELECT', '0']), true);
  assert.equal(s.allowsCommand(entry, ['select', '1']), false);
});

test('ACL files: every problem of every line, as Redis words it', () => {
  const acl = { detachedUser: (n: string) => new AclUser(n, catalog, () => false) } as unknown as Acl;
  const text = 'user a on +nosuch +nosuch2 bogus ~x\n# c\nuser a on\nuser e (+get\nuser f ~* ~x\nuser g <nopw\nm on\n\n';
  assert.equal(parseAclFile(acl, '/f', text),
    "/f:1: Error in applying operation '+nosuch': Unknown command or category name in ACL. " +
    "/f:1: Error in applying operation '+nosuch2': Unknown command or category name in ACL. /f:1: Syntax error. " +
    "/f:2 should start with user keyword followed by the username. WARNING: Duplicate user 'a' found on line 3. " +
    '/f:4: Unmatched parenthesis in selector definition./f:5: Adding a pattern after the * pattern (or the ' +
    "'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns. " +
    '/f:6: The password you are trying to remove from the user does not exist. /f:7 should start with user keyword ' +
    'followed by the username. WARNING: ACL errors detected, no change to the previously active ACL rules was performed');
  const ok = parseAclFile(acl, '/f', 'user default on nopass ~* &* +@all\r\nuser b on >x ~b +get\n');
  assert.ok(ok instanceof Map);
  assert.deepEqual([...ok.keys()], ['default', 'b']);
  assert.equal(ok.get('default')!.describe(), 'on nopass ~* &* +@all', 'file users start new: no reset');
});

test('config user lines: checked while reading, with the word Redis 7.0 names', () => {
  const seen = new Set<string>();
  assert.equal(checkUserDirective(catalog, ['alice', 'on', '+nosuchcommand'], seen), null, 'unknown commands wait for the load');
  assert.equal(checkUserDirective(catalog, ['alice', 'off'], seen), "Error in user declaration 'alice': Duplicate user found. A user can only be defined once in config files");
  assert.equal(checkUserDirective(catalog, ['bob', 'on', 'bogus'], seen), "Error in user declaration 'bob': Syntax error");
  assert.equal(checkUserDirective(catalog, ['carol', 'on', '~a*', '%Q~b'], seen), "Error in user declaration 'on': Syntax error");
});
