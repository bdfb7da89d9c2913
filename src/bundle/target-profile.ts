import type { Runtime, TargetName } from '../model/service.js';

/** How one target's bundles are built and laid out. */
export interface TargetProfile {
  /** Shim factory the generated entry imports from templates/shims/<target>.ts. */
  factory: 'createAwsHandler' | 'registerGcpFunction' | 'registerAzureFunction' | 'createLocalHandler';
  /** One package for the whole service (azure) or one per function. */
  perService: boolean;
  /**
   * Packages left out of the bundle. gcp: the functions-framework that *starts* the process
   * must be the very module instance the shim registers with, so it is a runtime dependency
   * (declared in package.json and installed by the Cloud Functions build) rather than a second,
   * bundled copy whose registry nobody reads. azure: `@azure/functions-core` is not on npm; the
   * Functions worker provides it at run time.
   */
  external: string[];
  /**
   * Packages left out unless faas.yaml says otherwise (`build.external: ['!name']`). aws: the AWS
   * SDK v3, which every Lambda Node.js runtime sls-x deploys to (nodejs20.x and later) provides.
   */
  defaultExternal: string[];
}

export const TARGET_PROFILES: Record<TargetName, TargetProfile> = {
  aws: { factory: 'createAwsHandler', perService: false, external: [], defaultExternal: ['@aws-sdk/*'] },
  gcp: { factory: 'registerGcpFunction', perService: false, external: ['@google-cloud/functions-framework'], defaultExternal: [] },
  azure: { factory: 'registerAzureFunction', perService: true, external: ['@azure/functions-core'], defaultExternal: [] },
  local: { factory: 'createLocalHandler', perService: false, external: [], defaultExternal: [] },
};

/** Name of the single azure artifact (see src/model/artifact.ts). */
export const AZURE_APP_NAME = 'app';

/** esbuild `target` for a runtime: the syntax that Node version runs natively. */
export function esbuildTarget(runtime: Runtime): string {
  return runtime; // 'node20' | 'node22' | 'node24' are esbuild target names as they are
}

const ORDER: Runtime[] = ['node20', 'node22', 'node24'];

/** The oldest of some runtimes: one Function App runs one Node version, so build for the lowest asked. */
export function oldestRuntime(runtimes: Runtime[]): Runtime {
  return runtimes.reduce((a, b) => (ORDER.indexOf(b) < ORDER.indexOf(a) ? b : a));
}
