/**
 * Outside the Functions host (no worker to provide `@azure/functions-core`), @azure/functions
 * runs in "test mode": registering warns and does nothing. The shim must not fail there, so a
 * bundle can be loaded (e.g. probed) anywhere. This file installs no fake host on purpose.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerAzureFunction } from '../../templates/shims/azure.js';
import * as neutral from '../fixtures/handlers/neutral.js';
import { metas } from './behaviour.js';

describe('azure shim outside the Functions host', () => {
  afterEach(() => vi.restoreAllMocks());

  it('registers without throwing; the library says it skipped each registration', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() => registerAzureFunction(neutral.api, metas('azure').api)).not.toThrow();
    const messages = warn.mock.calls.map((c) => String(c[0]));
    expect(messages.some((m) => m.includes('test mode'))).toBe(true);
    expect(messages.filter((m) => /Skipping call to register function "api-http-\d+"/.test(m))).toHaveLength(11);
  });

  it('still refuses a handler that is not a function', () => {
    expect(() => registerAzureFunction('nope' as never, metas('azure').worker)).toThrow(/"worker" is string, not a function/);
  });
});
