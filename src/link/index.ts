/** Outgoing RESP connections: the reply parser and the pipelined link (see link.ts). */
export { Link, type LinkOptions, type LinkState, type ReplyCallback } from './link.js';
export { ReplyParser, ReplyProtocolError } from './reply-parser.js';
