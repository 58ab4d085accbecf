// kafkajs (a devDependency) loaded the way an application would (it is CommonJS), with the usual availability check:
// a missing package skips the tests that need it with a printed reason (failing under CI=true).
//
//   import { kafkajs, KafkaJS } from '../helpers/kafkajs';
//   describe.skipIf(!kafkajs.available)('...', () => { const kafka = new KafkaJS.Kafka({ ... }); });
import { createRequire } from 'node:module';
import { tool } from './tools';

const require = createRequire(import.meta.url);
const resolved = (() => {
  try {
    return require.resolve('kafkajs');
  } catch {
    return 'kafkajs';
  }
})();

export const kafkajs = tool('kafkajs', process.execPath, ['-e', `require(${JSON.stringify(resolved)})`]);

/** The kafkajs module (an empty object when it is not available). */
export const KafkaJS = (kafkajs.available ? require('kafkajs') : {}) as typeof import('kafkajs');
