export {
  type BootstrapCheck,
  type BootstrapVerdict,
  checkBootstrap,
  DEFAULT_BOOTSTRAP_MAX_AGE_MS,
  type RefusedBootstrap,
  type UsableBootstrap,
} from './consume.js';
export { checkFmeBootstrap, type FmeBootstrapVerdict, type UsableFmeBootstrap } from './fme-consume.js';
export { createFmeBootstrap, type FmeBootstrapOptions } from './fme-produce.js';
export {
  BOOTSTRAP_ELEMENT_ID,
  BOOTSTRAP_FORMAT,
  BOOTSTRAP_VERSION,
  type Bootstrap,
  type BootstrapEnvelope,
  type FmeBootstrap,
} from './format.js';
export { type BootstrapOptions, createBootstrap } from './produce.js';
export { bootstrapScript, serializeBootstrap } from './serialize.js';
export { trimSettings } from './trim.js';
