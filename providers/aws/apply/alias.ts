import { call, callOrMissing } from '../errors.js';
import { ignoreMissing, type ApplyContext, type ResourceApply } from './context.js';
import { waitOptions } from '../clients.js';

/**
 * The `live` alias warm instances live on: publish a version of the function as it is now,
 * point the alias at it, and keep provisioned concurrency on the alias.
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
}

async function remove(c: ApplyContext): Promise<void> {
  const lambda = await import('@aws-sdk/client-lambda');
  const fn = String(c.before.function);
  const alias = String(c.before.name);
  await ignoreMissing(`lambda:DeleteProvisionedConcurrencyConfig ${fn}:${alias}`, () =>
    c.session.clients.lambda.send(new lambda.DeleteProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: alias })),
  );
  await ignoreMissing(`lambda:DeleteAlias ${fn}:${alias}`, () => c.session.clients.lambda.send(new lambda.DeleteAliasCommand({ FunctionName: fn, Name: alias })));
}

export const aliasApply: ResourceApply = { create: upsert, update: upsert, delete: remove };
