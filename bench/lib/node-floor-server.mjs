// The floor under any Node.js server driven by redis-benchmark: a bare net.Server that answers
// every command of a read with +OK and does nothing else (no parsing, no keyspace, no stats). It
// counts the commands of a chunk by their '*' bytes, which the benchmark's keys and 'x' values
// never contain, so it is only meant for redis-benchmark's own payloads. Its CPU per request is
// what the event loop, Node's socket streams and the kernel cost before any Redis work.
// Started by bench/server-cost.mjs (SERVERS=node-floor); takes `--port N` and ignores the rest.
import net from 'node:net';

const portAt = process.argv.indexOf('--port');
const port = portAt < 0 ? 6379 : Number(process.argv[portAt + 1]);
const OK = Buffer.from('+OK\r\n');

net.createServer({ noDelay: true }, (socket) => {
  socket.on('data', (chunk) => {
    let n = 0;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 42) n++;
    if (n === 0) return;
    socket.write(n === 1 ? OK : Buffer.from('+OK\r\n'.repeat(n), 'latin1'));
  });
  socket.on('error', () => {});
}).listen(port, '127.0.0.1');
