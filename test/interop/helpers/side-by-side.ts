/**
 * The two servers most differential suites compare: a redis-server and a Garrison without
 * persistence, started before the suite's tests and stopped after them. Call it inside a
 * `describe`; the returned object's fields are set once `before` has run.
 */
import { after, before } from 'node:test';
import { startRedis, type RedisProcess } from './redis-process.js';
import { startGarrison, type GarrisonHandle } from './garrison.js';

export interface SideBySide { redis: RedisProcess; garrison: GarrisonHandle }

export function sideBySide(garrisonConfig: Record<string, string> = {}): SideBySide {
  const s = {} as Partial<SideBySide>;
  before(async () => {
    s.redis = await startRedis();
    s.garrison = await startGarrison({ save: '', appendonly: 'no', ...garrisonConfig });
  });
  after(async () => {
    await s.garrison?.close();
    await s.redis?.stop();
  });
  return s as SideBySide;
}
