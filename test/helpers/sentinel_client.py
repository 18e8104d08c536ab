"""A redis-py Sentinel client that follows a failover, driven by a Garrison test.

Usage: sentinel_client.py NAME HOST:PORT [HOST:PORT ...]
Writes and reads through Sentinel(...).master_for(NAME), prints "ready <master port>", waits for
a line on stdin (the test has killed the master), then retries a write until it succeeds (or 30 s
pass) and prints "wrote <master port> <attempts>" after reading the value back. Exit status 1 and
a message on stderr on failure.
"""
import sys
import time

from redis.exceptions import ConnectionError, ReadOnlyError, TimeoutError
from redis.sentinel import MasterNotFoundError, Sentinel

name = sys.argv[1]
addrs = [(a.rsplit(':', 1)[0], int(a.rsplit(':', 1)[1])) for a in sys.argv[2:]]
sentinel = Sentinel(addrs, socket_timeout=1.0)
master = sentinel.master_for(name, socket_timeout=1.0)

master.set('py:before', 'one')
assert master.get('py:before') == b'one', 'read back before the failover'
assert master.wait(2, 5000) >= 1, 'the write reached the replicas'
print('ready', sentinel.discover_master(name)[1], flush=True)

sys.stdin.readline()
deadline = time.monotonic() + 30
attempts = 0
while True:
    attempts += 1
    try:
        master.set('py:after', 'two')
        break
    except (ConnectionError, TimeoutError, ReadOnlyError, MasterNotFoundError) as e:
        if time.monotonic() > deadline:
            sys.stderr.write('no write accepted within 30 s: %r\n' % (e,))
            sys.exit(1)
        time.sleep(0.1)
assert master.get('py:after') == b'two', 'read back after the failover'
assert master.get('py:before') == b'one', 'the write before the failover survived'
print('wrote', sentinel.discover_master(name)[1], attempts, flush=True)
