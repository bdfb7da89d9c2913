import type { SchedulerJob } from '../clients.js';
import { call, errorKind, ignoreMissing } from '../errors.js';
import { parseMarker } from '../naming.js';
import { notOurs, parents, retryPropagation, type ApplyContext, type ResourceApply } from './context.js';

interface Oidc {
  serviceAccount: string;
  audience: string;
}

const path = (c: ApplyContext, props = c.after): string => `${parents(c).location}/jobs/${String(props.name)}`;

/** The job: POST to the function's URL with an OIDC token of the invoker account (the function stays private). */
export function jobBody(c: ApplyContext): SchedulerJob {
  const a = c.after;
  const oidc = a.oidc as Oidc;
  const body = String(a.body ?? '');
  return {
    name: path(c),
    description: String(a.description),
    schedule: String(a.schedule),
    timeZone: String(a.timeZone),
    httpTarget: {
      uri: String(a.uri),
      httpMethod: 'POST',
      ...(body ? { body: Buffer.from(body), headers: { 'Content-Type': 'application/json' } } : {}),
      oidcToken: { serviceAccountEmail: oidc.serviceAccount, audience: oidc.audience },
    },
  };
}

async function setState(c: ApplyContext): Promise<void> {
  const name = path(c);
  if (c.after.state === 'PAUSED') await call(`cloudscheduler.jobs.pause ${name}`, () => c.session.clients.scheduler.pauseJob({ name }));
  else await call(`cloudscheduler.jobs.resume ${name}`, () => c.session.clients.scheduler.resumeJob({ name }));
}

async function update(c: ApplyContext): Promise<void> {
  const fields = ['description', 'schedule', 'timeZone', 'uri', 'body', 'oidc'];
  if (fields.some((f) => JSON.stringify(c.before[f]) !== JSON.stringify(c.after[f]))) {
    await retryPropagation(c, `cloudscheduler.jobs.patch ${path(c)}`, () =>
      c.session.clients.scheduler.updateJob({ job: jobBody(c), updateMask: { paths: ['description', 'http_target', 'schedule', 'time_zone'] } }),
    );
  }
  if (c.before.state !== c.after.state) await setState(c);
}

async function create(c: ApplyContext): Promise<void> {
  try {
    await retryPropagation(c, `cloudscheduler.jobs.create ${path(c)}`, () => c.session.clients.scheduler.createJob({ parent: parents(c).location, job: jobBody(c) }));
  } catch (err) {
    if (errorKind((err as { cause?: unknown }).cause ?? err) !== 'conflict') throw err;
    const [got] = await call(`cloudscheduler.jobs.get ${path(c)}`, () => c.session.clients.scheduler.getJob({ name: path(c) }));
    const m = parseMarker(got.description);
    if (!m || m.service !== c.session.service || m.stage !== c.session.stage) throw notOurs('Cloud Scheduler job', String(c.after.name), 'Another service uses this job name: rename the function or the stage.');
    await update({ ...c, before: { state: got.state === 'PAUSED' ? 'PAUSED' : 'ENABLED' } });
    return;
  }
  if (c.after.state === 'PAUSED') await setState(c);
}

async function remove(c: ApplyContext): Promise<void> {
  await ignoreMissing(`cloudscheduler.jobs.delete ${path(c, c.before)}`, () => c.session.clients.scheduler.deleteJob({ name: path(c, c.before) }));
}

/** A Cloud Scheduler job per schedule event. */
export const jobApply: ResourceApply = { create, update, delete: remove };
