/**
 * The page bundle of page-sender.chromium.test.ts: `launch`'s default sender beside the two
 * transports it replaces, as `launch` combined them before.
 */
export { createBeaconTransport } from '@vwo/transport-beacon';
export { createFetchTransport } from '@vwo/transport-fetch';
export { pageSender } from '../src/page-sender.js';
export { pageAwareTransport } from '../src/page-transport.js';
