/** The replication stream's framing: commands as RESP multibulk arrays (shared with link/). */
export { encodeCommand } from '../protocol/command-encode.js';
