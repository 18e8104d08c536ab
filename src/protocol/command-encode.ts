/**
 * Commands as RESP multibulk arrays of bulk strings: the framing of the replication stream, the
 * AOF, and what outgoing links (sentinel, replica handshake) send.
 */
export function encodeCommand(argv: readonly string[]): Buffer {
  let len = 0;
  for (const a of argv) len += a.length;
  if (len < 4096) {
    let s = `*${argv.length}\r\n`;
    for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
    return Buffer.from(s, 'latin1');
  }
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`, 'latin1')];
  for (const a of argv) {
    parts.push(Buffer.from(`$${a.length}\r\n`, 'latin1'), Buffer.from(a, 'latin1'), CRLF);
  }
  return Buffer.concat(parts);
}

const CRLF = Buffer.from('\r\n');
