import { describe, expect, it } from 'vitest';
import { requireSupportedRedis } from '../../src/bringup/redis.js';
import { BringUpError } from '../../src/bringup/report.js';

describe('Redis version check at bring-up', () => {
  it('accepts Redis 7 and newer', () => {
    for (const version of ['7.0.15', '7.4.2', '8.0.0']) expect(() => requireSupportedRedis(version, 'redis://127.0.0.1:6379')).not.toThrow();
  });

  it('refuses an older or unknown version, naming it and what to do', () => {
    for (const version of ['6.0.16', '5.0.7', 'unknown', undefined]) {
      const error = (() => {
        try {
          requireSupportedRedis(version, 'redis://127.0.0.1:6379');
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(BringUpError);
      expect(String((error as Error).message)).toMatch(/needs 7 or newer/);
    }
  });
});
