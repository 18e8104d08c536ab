/**
 * Garrison has no TLS: no TLS listener, and replication and the cluster bus dial in clear. The
 * TLS parameters stay in the table (Debian's redis-server is built with TLS, and config files
 * name them), but a configuration that would turn TLS on is refused, as redis-server refuses one
 * it cannot configure (no certificate): the start fails with Redis's last log line, and CONFIG SET
 * answers Redis's "Unable to update TLS configuration" error and restores the old values.
 * Without this, `tls-port 6380` would start a server that silently has no TLS port.
 */
import type { Config } from './config.js';

/** Every parameter whose change makes Redis reconfigure TLS (its applyTlsCfg). */
export const TLS_PARAMS: readonly string[] = [
  'tls-port', 'tls-cluster', 'tls-replication', 'tls-auth-clients', 'tls-prefer-server-ciphers',
  'tls-session-caching', 'tls-session-cache-size', 'tls-session-cache-timeout', 'tls-cert-file',
  'tls-key-file', 'tls-key-file-pass', 'tls-client-cert-file', 'tls-client-key-file',
  'tls-client-key-file-pass', 'tls-dh-params-file', 'tls-ca-cert-file', 'tls-ca-cert-dir',
  'tls-protocols', 'tls-ciphers', 'tls-ciphersuites',
];

/** Why TLS cannot be configured (logged before the refusal). */
export const TLS_UNSUPPORTED = 'TLS is not supported by Garrison: tls-port must be 0, tls-replication and tls-cluster no';
/** Redis's last log line when TLS cannot be configured at start (it then exits with 1). */
export const TLS_START_FAILURE = 'Failed to configure TLS. Check logs for more info.';
/** Redis's CONFIG SET error when TLS cannot be reconfigured. */
export const TLS_SET_FAILURE = 'Unable to update TLS configuration. Check server logs.';

/** True when the configuration asks for TLS somewhere (Redis's tls_port || tls_replication || tls_cluster). */
export function tlsRequested(cfg: Config): boolean {
  return cfg.int('tls-port') !== 0 || cfg.bool('tls-replication') || cfg.bool('tls-cluster');
}

/** Makes CONFIG SET of a TLS parameter fail while the result would ask for TLS. */
export function refuseTlsOnConfigSet(cfg: Config, warn: (line: string) => void): void {
  cfg.onApply(TLS_PARAMS, () => {
    if (!tlsRequested(cfg)) return null;
    warn(TLS_UNSUPPORTED);
    return TLS_SET_FAILURE;
  });
}
