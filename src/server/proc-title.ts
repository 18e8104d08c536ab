/**
 * The process title (`set-proc-title`, `proc-title-template`), as Redis 7.0 builds it: sds.c's
 * sdstemplate over the variables of server.c's redisProcTitleGetVariable, then spaces trimmed at
 * both ends. The process entry sets it (main.ts); a library server never touches its host's title.
 *
 * Template syntax: `{name}` is a variable, `{{` a literal `{`; a lone `}` is literal; an unknown
 * variable or a `{` without its `}` makes the template invalid. A template is valid when it
 * expands, with an empty {title}, to something other than spaces (so `{title}` alone is not).
 */

export interface ProcTitleVars {
  /** The executable's name as started (Redis: argv[0]). */
  readonly title: string;
  /** The first `bind` address, or none (then `*`). */
  readonly bind: string | undefined;
  readonly port: number;
  readonly tlsPort: number;
  readonly unixsocket: string;
  readonly mode: 'standalone' | 'sentinel' | 'cluster';
  readonly configFile: string | null;
}

/** sdstemplate: null when the template is malformed or `lookup` knows no such variable. */
export function expandTemplate(template: string, lookup: (name: string) => string | null): string | null {
  let out = '';
  let p = 0;
  while (p < template.length) {
    const sv = template.indexOf('{', p);
    if (sv < 0) return out + template.slice(p);
    out += template.slice(p, sv);
    if (sv + 1 >= template.length) return null;
    if (template[sv + 1] === '{') {
      out += '{';
      p = sv + 2;
      continue;
    }
    const ev = template.indexOf('}', sv + 1);
    if (ev < 0) return null;
    const value = lookup(template.slice(sv + 1, ev));
    if (value === null) return null;
    out += value;
    p = ev + 1;
  }
  return out;
}

function variable(name: string, v: ProcTitleVars): string | null {
  switch (name) {
    case 'title': return v.title;
    case 'listen-addr':
      if (v.port !== 0 || v.tlsPort !== 0) return `${v.bind ?? '*'}:${v.port !== 0 ? v.port : v.tlsPort}`;
      return `unixsocket:${v.unixsocket}`;
    case 'server-mode': return v.mode === 'cluster' ? '[cluster]' : v.mode === 'sentinel' ? '[sentinel]' : '';
    case 'config-file': return v.configFile ?? '-';
    case 'port': return String(v.port);
    case 'tls-port': return String(v.tlsPort);
    case 'unixsocket': return v.unixsocket;
    default: return null;
  }
}

/** The title for `template`, or null when the template is invalid. */
export function procTitle(template: string, vars: ProcTitleVars): string | null {
  const r = expandTemplate(template, (name) => variable(name, vars));
  return r === null ? null : r.replace(/^ +| +$/g, '');
}

/**
 * Redis's validateProcTitleTemplate, for a standalone server on a TCP port without a unix socket
 * (CONFIG SET has no server to ask): in sentinel mode or with `unixsocket` set, Redis would also
 * accept a template of `{server-mode}` or `{unixsocket}` alone.
 */
export function validProcTitleTemplate(template: string): boolean {
  const r = procTitle(template, { title: '', bind: undefined, port: 6379, tlsPort: 0, unixsocket: '', mode: 'standalone', configFile: null });
  return r !== null && r !== '';
}
