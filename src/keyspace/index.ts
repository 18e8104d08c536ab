export { Database } from './database.js';
export { Keyspace, timePassed, type KeyspaceHooks, type KeyspaceStats } from './keyspace.js';
export { type Value, type ValueType, type CollectionValue, typeOf, stringEncoding } from './value.js';
export { ScanCursors, parseScanCursor, DEFAULT_MAX_SCAN_CURSORS, DEFAULT_SCAN_IDLE_MS } from './scan.js';
