/** The configuration subsystem's public surface. */
export { Config, clampHz, formatValue, parseMemory, splitSetValue } from './config.js';
export type { ApplyFn, ApplyResult, ConfigDirectives, ConfigOptions } from './config.js';
export { ALL_PARAMS, CORE_PARAMS, replicaOf } from './params.js';
export type { ConfigValue, OutputLimit, OutputLimits, ParamDef, ParamType, ReplicaOf, SavePoints } from './params.js';
export { NOTIFY, NOTIFY_ALL, NOTIFY_CLASS_ERROR, formatNotifyKeyspaceEvents, parseNotifyKeyspaceEvents } from './notify.js';
export { ConfigLoadFailure, REDIS_VERSION, formatFatalConfigError, includeFile, loadConfigText, newLoadState, openErrorMessage } from './file.js';
export type { ConfigFileHost, ConfigLoadError, LoadState } from './file.js';
export { assembleConfigText, parseArgv } from './argv.js';
export type { ParsedArgv } from './argv.js';
export { REWRITE_SIGNATURE, rewriteConfigText } from './rewrite.js';
export type { RewriteExtras } from './rewrite.js';
export { repr } from './values.js';
