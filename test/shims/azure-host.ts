/**
 * A minimal stand-in for the Azure Functions Node worker, for tests. The real worker makes
 * `require('@azure/functions-core')` return its core API by patching `Module.prototype.require`;
 * this does the same, so @azure/functions leaves "test mode", really registers the functions
 * (we capture the metadata it builds) and hands us its ProgrammingModel. Invocations then run
 * through the library's own InvocationModel: RPC input -> HttpRequest / InvocationContext /
 * Timer -> our handler -> RPC response, exactly the code path the worker drives.
 */
import Module from 'node:module';

/** One function registered with the (fake) core API: what the host would index. */
export interface Registration {
  name: string;
  bindings: Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  callback: (...args: unknown[]) => unknown;
}

/** RPC typed data, as the host sends it (`string`, `json`, `bytes`, `http`, `int`). */
export type RpcTypedData = Record<string, unknown>;

export interface FakeHost {
  registrations: Registration[];
  /** Runs one invocation of a registration; resolves to the RPC response (rejects if the function throws). */
  invoke(reg: Registration, data: RpcTypedData, triggerMetadata?: Record<string, RpcTypedData>): Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  restore(): void;
}

let counter = 0;

export function installFakeHost(): FakeHost {
  const registrations: Registration[] = [];
  let model: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const core = {
    version: '3.10.1',
    registerFunction(metadata: { name: string; bindings: Registration['bindings'] }, callback: Registration['callback']) {
      registrations.push({ name: metadata.name, bindings: metadata.bindings, callback });
      return { dispose() {} };
    },
    setProgrammingModel(m: unknown) {
      model = m;
    },
    getProgrammingModel: () => model,
    registerHook: () => ({ dispose() {} }),
    log: () => {},
  };
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const original = proto.require;
  proto.require = function (this: unknown, id: string) {
    if (id === '@azure/functions-core') return core;
    return original.call(this, id);
  };
  return {
    registrations,
    async invoke(reg, data, triggerMetadata) {
      if (!model) throw new Error('the library never set its programming model');
      const triggerName = Object.entries(reg.bindings).find(([, b]) => b.direction === 'in' && /Trigger$/i.test(String(b.type)))?.[0];
      const coreCtx = {
        invocationId: `inv-${++counter}`,
        request: { inputData: [{ name: triggerName, data }], triggerMetadata: triggerMetadata ?? {} },
        metadata: { name: reg.name, bindings: reg.bindings },
        state: 'invocation',
        log: () => {},
      };
      const im = model.getInvocationModel(coreCtx);
      const { context, inputs } = await im.getArguments();
      const result = await im.invokeFunction(context, inputs, reg.callback);
      return im.getResponse(context, result);
    },
    restore() {
      proto.require = original;
    },
  };
}
