import { call, callOrMissing } from '../errors.js';
import { ignoreMissing, type ApplyContext, type ResourceApply } from './context.js';
import { waitOptions } from '../clients.js';

/** Pages of aliases / versions read per function (50 each), so a runaway list cannot hold a deploy. */
const MAX_PAGES = 20;

/**
 * The `live` alias warm instances live on: publish a version of the function as it is now,
 * point the alias at it, keep provisioned concurrency on the alias, and delete the versions
 * no alias points to any more (each holds a full copy of the code, counted against the
 * account's 75 GB code storage).
 */
async function upsert(c: ApplyContext): Promise<void> {
  const lambda = await import('@aws-sdk/client-lambda');
  const client = c.session.clients.lambda;
  const fn = String(c.after.function);
  const alias = String(c.after.name);
  const w = waitOptions(c.session.clients);
  await lambda.waitUntilFunctionUpdatedV2({ client, minDelay: w.minDelay, maxDelay: w.maxDelay, maxWaitTime: w.maxWaitTime }, { FunctionName: fn });
  // Publishing unchanged code and configuration returns the latest version: no duplicates on re-runs.
  const published = await call(`lambda:PublishVersion ${fn}`, () => client.send(new lambda.PublishVersionCommand({ FunctionName: fn })));
  const version = published.Version as string;
  const existing = await callOrMissing(`lambda:GetAlias ${fn}:${alias}`, () => client.send(new lambda.GetAliasCommand({ FunctionName: fn, Name: alias })));
  if (!existing) {
    await call(`lambda:CreateAlias ${fn}:${alias}`, () => client.send(new lambda.CreateAliasCommand({ FunctionName: fn, Name: alias, FunctionVersion: version })));
  } else if (existing.FunctionVersion !== version) {
    await call(`lambda:UpdateAlias ${fn}:${alias}`, () => client.send(new lambda.UpdateAliasCommand({ FunctionName: fn, Name: alias, FunctionVersion: version })));
  }
  const warm = Number(c.after.provisioned);
  if (warm > 0) {
    await call(`lambda:PutProvisionedConcurrencyConfig ${fn}:${alias}`, () =>
      client.send(new lambda.PutProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: alias, ProvisionedConcurrentExecutions: warm })),
    );
  } else {
    await ignoreMissing(`lambda:DeleteProvisionedConcurrencyConfig ${fn}:${alias}`, () =>
      client.send(new lambda.DeleteProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: alias })),
    );
  }
  await pruneVersions(c, fn);
}

/**
 * Delete every published version of `fn` that no alias points to (the alias's version or a
 * weighted routing version): what `live` moved away from. $LATEST and versions a user's own
 * alias still uses are kept. A version Lambda refuses to delete because something still uses
 * it (ResourceConflictException) is left as is.
 */
export async function pruneVersions(c: ApplyContext, fn: string): Promise<void> {
  const lambda = await import('@aws-sdk/client-lambda');
  const client = c.session.clients.lambda;
  const used = new Set<string>();
  for (let marker: string | undefined, page = 0; page === 0 || (marker && page < MAX_PAGES); page++) {
    const res = await callOrMissing(`lambda:ListAliases ${fn}`, () => client.send(new lambda.ListAliasesCommand({ FunctionName: fn, Marker: marker })));
    if (!res) return; // the function is gone, and its versions with it
    for (const a of res.Aliases ?? []) {
      if (a.FunctionVersion) used.add(a.FunctionVersion);
      for (const v of Object.keys(a.RoutingConfig?.AdditionalVersionWeights ?? {})) used.add(v);
    }
    marker = res.NextMarker;
  }
  const stale: string[] = [];
  for (let marker: string | undefined, page = 0; page === 0 || (marker && page < MAX_PAGES); page++) {
    const res = await callOrMissing(`lambda:ListVersionsByFunction ${fn}`, () => client.send(new lambda.ListVersionsByFunctionCommand({ FunctionName: fn, Marker: marker })));
    if (!res) return;
    for (const v of res.Versions ?? []) if (v.Version && v.Version !== '$LATEST' && !used.has(v.Version)) stale.push(v.Version);
    marker = res.NextMarker;
  }
  for (const version of stale) {
    await ignoreMissing(
      `lambda:DeleteFunction ${fn}:${version}`,
      () => client.send(new lambda.DeleteFunctionCommand({ FunctionName: fn, Qualifier: version })),
      'ResourceConflictException',
    );
  }
}

async function remove(c: ApplyContext): Promise<void> {
  const lambda = await import('@aws-sdk/client-lambda');
  const fn = String(c.before.function);
  const alias = String(c.before.name);
  await ignoreMissing(`lambda:DeleteProvisionedConcurrencyConfig ${fn}:${alias}`, () =>
    c.session.clients.lambda.send(new lambda.DeleteProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: alias })),
  );
  await ignoreMissing(`lambda:DeleteAlias ${fn}:${alias}`, () => c.session.clients.lambda.send(new lambda.DeleteAliasCommand({ FunctionName: fn, Name: alias })));
  // The function may stay (warm instances turned off): its versions are of no use without the alias.
  await pruneVersions(c, fn);
}

export const aliasApply: ResourceApply = { create: upsert, update: upsert, delete: remove };
