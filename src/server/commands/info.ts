/**
 * INFO [section ...]: the text is built by ../info.ts (sections, order, field names of Redis 7.0);
 * the reply is a verbatim "txt" string, which RESP2 clients receive as a bulk string.
 */
import type { CommandSpec } from '../../commands/spec.js';
import { verbatim } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import { genInfoString } from '../info.js';

export const INFO_COMMANDS: readonly CommandSpec<Client>[] = [
  {
    name: 'info', arity: -1, flags: ['loading', 'stale'], acl: ['slow', 'dangerous'],
    group: 'server', since: '1.0.0', summary: 'Get information and statistics about the server', complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    handler: (c, argv) => verbatim(genInfoString(c.server, argv.slice(1))),
  },
];
