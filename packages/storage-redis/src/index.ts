/**
 * `@vwo/storage-redis`: sticky assignments (`launch`), FME decisions (`init`) and the settings
 * file shared by every server of a fleet, on Redis (a single server or a Redis Cluster).
 *
 * @packageDocumentation
 */
export { CLIENT_DEFAULTS, type NodeRedisClient, type RedisClient, type RedisConnectionOptions } from './connection.js';
export {
  createRedisSettingsCache,
  DEFAULT_SETTINGS_KEY,
  type RedisSettingsCache,
  type RedisSettingsCacheOptions,
} from './settings-cache.js';
export {
  assignmentKey,
  createRedisStorage,
  DEFAULT_PREFIX,
  DEFAULT_TIMEOUT_MS,
  fmeDecisionKey,
  type RedisStorage,
  type RedisStorageOptions,
  type RedisStorageStats,
} from './storage.js';
