import type { ObservedResource } from '../../src/core/resources.js';
import { call } from './errors.js';
import { TAG_CODE, TAG_ID, TYPES } from './naming.js';
import type { Session } from './session.js';
import type { Tagged } from './observe.js';

/** The Function App as desired props (app settings included) and, from its tag, the package last deployed. */
export async function observeApp(session: Session, t: Tagged): Promise<ObservedResource[]> {
  const rg = session.names.resourceGroup;
  const web = session.clients.web.webApps;
  const [site, settings] = await Promise.all([
    call(`webApps get ${t.name}`, () => web.get(rg, t.name)),
    call(`webApps listApplicationSettings ${t.name}`, () => web.listApplicationSettings(rg, t.name)),
  ]);
  const cfg = site.functionAppConfig;
  const identity = Object.keys(site.identity?.userAssignedIdentities ?? {})[0];
  const out: ObservedResource[] = [
    {
      id: t.tags[TAG_ID] ?? 'function-app',
      type: TYPES.app,
      props: {
        name: t.name,
        plan: site.serverFarmId,
        identity,
        runtime: { name: cfg?.runtime?.name, version: cfg?.runtime?.version },
        memory: cfg?.scaleAndConcurrency?.instanceMemoryMB,
        maximumInstanceCount: cfg?.scaleAndConcurrency?.maximumInstanceCount,
        alwaysReady: (cfg?.scaleAndConcurrency?.alwaysReady ?? []).map((a) => ({ name: a.name, instanceCount: a.instanceCount })),
        deploymentContainer: cfg?.deployment?.storage?.value,
        appSettings: sorted(settings.properties ?? {}),
      },
      physicalId: t.id,
    },
  ];
  const code = t.tags[TAG_CODE];
  if (code) out.push({ id: 'package', type: TYPES.code, props: { app: t.name, sha256: code }, physicalId: t.id });
  return out;
}

function sorted(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
