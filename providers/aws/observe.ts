import type { ObservedResource } from '../../src/core/resources.js';
import { call } from './errors.js';
import { TAG_ID, TAG_SERVICE, TAG_STAGE } from './naming.js';
import type { Session } from './session.js';
import { observeFunctions } from './observe-lambda.js';
import { observeApi } from './observe-api.js';
import { observeBuckets, observeLogGroups, observeQueues, observeRoles, observeSchedules } from './observe-other.js';
import { observeTables } from './observe-tables.js';

/** One resource the tagging API returned: its ARN and logical id (from the `slsx:id` tag). */
export interface Tagged {
  arn: string;
  id: string;
  tags: Record<string, string>;
}

/** Every resource carrying this service's and stage's tags (IAM roles are listed separately). */
export async function taggedResources(session: Session): Promise<Tagged[]> {
  const { GetResourcesCommand } = await import('@aws-sdk/client-resource-groups-tagging-api');
  const out: Tagged[] = [];
  let token: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await call('tag:GetResources', () =>
      session.clients.tagging.send(
        new GetResourcesCommand({
          TagFilters: [
            { Key: TAG_SERVICE, Values: [session.service] },
            { Key: TAG_STAGE, Values: [session.stage] },
          ],
          // The most a page holds (the default is 50): a 300-function stage is ~10 pages, not ~20.
          ResourcesPerPage: 100,
          ...(token ? { PaginationToken: token } : {}),
        }),
      ),
    );
    for (const r of res.ResourceTagMappingList ?? []) {
      const tags = Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      if (r.ResourceARN && tags[TAG_ID]) out.push({ arn: r.ResourceARN, id: tags[TAG_ID], tags });
    }
    token = res.PaginationToken || undefined;
    if (!token) break;
  }
  return out;
}

/**
 * What exists for this service and stage, found by its tags (roles by their IAM path, then
 * confirmed by tags; untaggable things such as routes, permissions and notifications through
 * the tagged resources they belong to). Read-only: only Get/List/Describe calls.
 */
export async function observeAll(session: Session): Promise<ObservedResource[]> {
  const tagged = await taggedResources(session);
  const byService = (service: string): Tagged[] => tagged.filter((t) => t.arn.split(':')[2] === service);
  const [roles, logs, queues, schedules, tables] = await Promise.all([
    observeRoles(session),
    observeLogGroups(session, byService('logs')),
    observeQueues(session, byService('sqs')),
    observeSchedules(session, byService('scheduler')),
    observeTables(session, byService('dynamodb')),
  ]);
  // The API first: permissions' source ARNs mention its id, which observe puts back as a placeholder.
  const api = await observeApi(session, byService('apigateway'));
  const queueIds = new Map(queues.map((q) => [String(q.props.name), q.id]));
  const functions = await observeFunctions(session, byService('lambda'), queueIds);
  const buckets = await observeBuckets(session, byService('s3'), functions);
  // What the preflight read and observe did not take is dropped: a later observe reads afresh.
  session.prefetched?.clear();
  const all = [...roles, ...logs, ...queues, ...schedules, ...api, ...functions, ...buckets, ...tables];
  return all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
