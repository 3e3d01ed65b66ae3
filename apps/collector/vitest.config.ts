import { packageTestConfig } from '../../vitest.shared.js';

export default packageTestConfig({ include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 30_000 });
