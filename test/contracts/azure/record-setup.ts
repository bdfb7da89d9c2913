/**
 * Vitest setup file for the ARM contract sweep (see arm-sweep.test.ts): wraps the fake ARM so that
 * every request any fake-backed test sends is also appended, as one JSON line, to the file named
 * by SLSX_ARM_RECORD. Loaded only by vitest.record.config.ts; the normal suite never loads it.
 */
import { appendFileSync } from 'node:fs';
import { expect } from 'vitest';
import { FakeArm } from '../../azure/support/fake-arm.js';

const file = process.env.SLSX_ARM_RECORD;
type Handle = (this: FakeArm, req: unknown) => Promise<unknown>;
const proto = FakeArm.prototype as unknown as { handle: Handle; __recorded?: boolean };

if (file && !proto.__recorded) {
  proto.__recorded = true;
  const original = proto.handle;
  proto.handle = function (this: FakeArm, req: unknown) {
    const before = this.requests.length;
    const pending = original.call(this, req); // records synchronously, before its first await
    const rec = this.requests[before];
    if (rec) {
      const { testPath, currentTestName } = expect.getState();
      appendFileSync(file, `${JSON.stringify({ test: `${(testPath ?? '').replace(/^.*?\/test\//, 'test/')} > ${currentTestName ?? ''}`, method: rec.method, host: rec.host, path: rec.path, query: rec.query, body: rec.body })}\n`);
    }
    return pending;
  };
}
