import { readFile } from 'node:fs/promises';
import { SlsxError } from '../../../src/errors/slsx-error.js';
import { call } from '../errors.js';
import { dataPlaneRequest } from '../data-plane.js';
import { ids, resolve } from '../session.js';
import { TAG_CODE } from '../naming.js';
import { settle } from '../retry.js';
import type { ApplyContext, ResourceApply } from './context.js';

/** Polls of a zip deploy's status before giving up (with the clients' sleep between). */
export const DEPLOY_POLLS = 120;

/** The app's Kudu (SCM) host: from the site's host names, else the public cloud's pattern. */
export async function scmHost(c: Pick<ApplyContext, 'session' | 'rg'>, app: string): Promise<string> {
  const site = await call(`webApps get ${app}`, () => c.session.clients.web.webApps.get(c.rg, app));
  const repo = site.hostNameSslStates?.find((h) => h.hostType === 'Repository')?.name;
  return repo ?? `${app}.scm.azurewebsites.net`;
}

/**
 * One-deploy of app.zip to the Flex Consumption app (Kudu `/api/publish`, no remote build: the
 * bundle is complete), which stores it in the app's deployment container and restarts the app;
 * then the package's sha256 goes into the app's `slsx:code` tag, so the next plan sees it.
 */
async function deploy(c: ApplyContext): Promise<void> {
  const app = String(c.after.app);
  const zipPath = String(c.change.inputs?.zipPath ?? '');
  if (!zipPath) throw new SlsxError('INTERNAL', 'azure: the package change has no zip path.');
  const zip = await readFile(zipPath);
  const host = await scmHost(c, app);
  const doing = `zip deploy ${app}`;
  // Right after the app and its grants are created, Kudu may not reach the package container yet
  // (role assignments take minutes to propagate): a 5xx or a failed deployment is retried.
  await settle(
    c.session,
    async () => {
      const res = await dataPlaneRequest(c.session.clients, doing, { method: 'POST', url: `https://${host}/api/publish?RemoteBuild=false`, body: new Uint8Array(zip), contentType: 'application/zip' });
      if (res.status === 202) await waitForDeployment(c, deploymentStatusUrl(host, res), doing);
      else if (res.status < 200 || res.status >= 300) throw new SlsxError('CLOUD_ERROR', `Azure refused the package of ${app} (HTTP ${res.status}): ${res.body.slice(0, 500)}`, { hint: 'Deploy again; if it persists, see the deployment log (`az functionapp log deployment show`).' });
    },
    (err) => err instanceof SlsxError && err.code === 'CLOUD_ERROR' && !/did not finish in time/.test(err.message),
  );
  // Scope-style SDK paths are `/{scope}/...`: the scope goes without its leading slash.
  const scope = resolve(ids.site(c.rg, app), c.session).replace(/^\/+/, '');
  await call(`tags update ${app}`, () => c.session.clients.resources.tagsOperations.beginUpdateAtScopeAndWait(scope, { operation: 'Merge', properties: { tags: { [TAG_CODE]: String(c.after.sha256) } } }));
}

/**
 * Where to read the status of the deployment a 202 from `/api/publish` started: the `Location`
 * header Kudu sets on the 202 (`/api/deployments/<id>`), else the deployment id in the body, and
 * only when the 202 carries neither, `/api/deployments/latest` (which another deploy of the same
 * app, or a platform redeploy, could be by the time it is read). See Kudu's OneDeploy
 * (https://github.com/projectkudu/kudu/wiki/Deploying-from-a-zip-file-or-url and
 * https://learn.microsoft.com/azure/app-service/deploy-zip#deploy-a-zip-package: "poll the
 * returned location / deployment id").
 */
export function deploymentStatusUrl(host: string, res: { headers: Record<string, string>; body: string }): string {
  const base = `https://${host}`;
  const location = Object.entries(res.headers).find(([k]) => k.toLowerCase() === 'location')?.[1];
  if (location) {
    try {
      const url = new URL(location, base);
      // Only the app's own Kudu host: never send the bearer token elsewhere.
      if (url.host === host && /\/api\/deployments\/[^/]+$/.test(url.pathname)) return url.href;
    } catch {
      // A malformed header: fall through to the body.
    }
  }
  let id: unknown;
  try {
    const parsed = JSON.parse(res.body) as unknown;
    id = typeof parsed === 'string' ? parsed : (parsed as { id?: unknown } | null)?.id;
  } catch {
    id = res.body.trim();
  }
  if (typeof id === 'string' && /^[A-Za-z0-9-]{1,100}$/.test(id)) return `${base}/api/deployments/${id}`;
  return `${base}/api/deployments/latest`;
}

/** Kudu deployment status: 4 = success, 3 = failed; anything else is still running. */
async function waitForDeployment(c: ApplyContext, statusUrl: string, doing: string): Promise<void> {
  for (let i = 0; i < DEPLOY_POLLS; i++) {
    const res = await dataPlaneRequest(c.session.clients, doing, { method: 'GET', url: statusUrl });
    if (res.status === 200) {
      const status = (JSON.parse(res.body || '{}') as { status?: number; status_text?: string }).status;
      if (status === 4) return;
      if (status === 3) throw new SlsxError('CLOUD_ERROR', `The deployment of the package failed on Azure (${doing}): ${res.body.slice(0, 500)}`, { hint: 'See the deployment log in the portal (Deployment Center) or `az functionapp log deployment show`.' });
    }
    await c.session.clients.sleep(2000);
  }
  throw new SlsxError('CLOUD_ERROR', `The deployment of the package did not finish in time (${doing}).`, { hint: 'Deploy again: the package step is idempotent.' });
}

/** Deleting the app deletes its package: nothing to do. */
async function remove(): Promise<void> {}

/** The app's code: app.zip, deployed as one package for every function. */
export const appPackageApply: ResourceApply = { create: deploy, update: deploy, delete: remove };
