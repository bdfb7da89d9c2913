import { describe, expect, it } from 'vitest';
import { FakeGcp } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const INVOKER = 'shop-dev--invoker@shop-prod.iam.gserviceaccount.com';
const URL = 'https://europe-west1-shop-prod.cloudfunctions.net/shop-dev-nightly';

const svc = () =>
  service([
    fn('nightly', {
      events: [
        { kind: 'schedule', expression: 'cron(0 3 * * *)', cron: '0 3 * * *', timezone: 'Europe/Paris', enabled: true, input: { full: true } },
        { kind: 'schedule', expression: 'rate(15 minutes)', rateMs: 900_000, timezone: 'UTC', enabled: false },
      ],
    }),
  ]);

describe('gcp adapter: schedules (Cloud Scheduler)', () => {
  it('creates one job per schedule, calling the private function with an OIDC token of the invoker account', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    const p = await deploy(s, artifacts(s), context(gcp));
    expect(work(p.changes)).toEqual(['create function:nightly', 'create iam:run:nightly', 'create sa:invoker', 'create sa:nightly', 'create schedule:nightly:0', 'create schedule:nightly:1']);
    expect(gcp.inputs('iam.createServiceAccount')).toContainEqual({
      name: 'projects/shop-prod',
      accountId: 'shop-dev--invoker',
      serviceAccount: { displayName: 'sls-x shop/dev scheduler', description: 'slsx:service=shop slsx:stage=dev slsx:id=sa:invoker' },
    });
    // Only the invoker account may call it: no allUsers.
    expect(gcp.inputs('run.setIamPolicy')).toEqual([
      { resource: 'projects/shop-prod/locations/europe-west1/services/shop-dev-nightly', policy: { bindings: [{ role: 'roles/run.invoker', members: [`serviceAccount:${INVOKER}`] }], etag: 'e0' } },
    ]);
    const jobs = [...gcp.inputs('scheduler.createJob')].sort((a, b) => a.job.name.localeCompare(b.job.name));
    expect(jobs).toEqual([
      {
        parent: 'projects/shop-prod/locations/europe-west1',
        job: {
          name: 'projects/shop-prod/locations/europe-west1/jobs/shop-dev-nightly-0',
          description: 'slsx:service=shop slsx:stage=dev slsx:id=schedule:nightly:0',
          schedule: '0 3 * * *',
          timeZone: 'Europe/Paris',
          httpTarget: { uri: URL, httpMethod: 'POST', body: new Uint8Array(Buffer.from('{"full":true}')), headers: { 'Content-Type': 'application/json' }, oidcToken: { serviceAccountEmail: INVOKER, audience: URL } },
        },
      },
      {
        parent: 'projects/shop-prod/locations/europe-west1',
        job: {
          name: 'projects/shop-prod/locations/europe-west1/jobs/shop-dev-nightly-1',
          description: 'slsx:service=shop slsx:stage=dev slsx:id=schedule:nightly:1',
          schedule: '*/15 * * * *',
          timeZone: 'UTC',
          httpTarget: { uri: URL, httpMethod: 'POST', oidcToken: { serviceAccountEmail: INVOKER, audience: URL } },
        },
      },
    ]);
    // A disabled schedule is paused right after it is created.
    expect(gcp.inputs('scheduler.pauseJob')).toEqual([{ name: 'projects/shop-prod/locations/europe-west1/jobs/shop-dev-nightly-1' }]);
    const fnCreate = gcp.inputs('functions.createFunction')[0].function;
    expect(fnCreate.serviceConfig.ingressSettings).toBe('ALLOW_ALL');
  });

  it('redeploy is a no-op; a changed cron updates the job; a removed schedule deletes it and the invoker', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    const arts = artifacts(s);
    await deploy(s, arts, context(gcp));
    gcp.resetCalls();
    expect(work((await deploy(s, arts, context(gcp))).changes)).toEqual([]);
    expect(gcp.mutatingCalls()).toEqual([]);

    const s2 = svc();
    (s2.functions[0].events[0] as { cron: string }).cron = '30 4 * * *';
    const p = await deploy(s2, arts, context(gcp));
    expect(p.changes.filter((c) => c.action !== 'noop').map((c) => [c.action, c.id, c.reasons])).toEqual([['update', 'schedule:nightly:0', ['schedule: "0 3 * * *" -> "30 4 * * *"']]]);
    expect(gcp.mutatingCalls()).toEqual(['scheduler.updateJob']);
    expect(gcp.inputs('scheduler.updateJob')[0].updateMask).toEqual({ paths: ['description', 'http_target', 'schedule', 'time_zone'] });

    gcp.resetCalls();
    const s3 = service([fn('nightly')]);
    const q = await deploy(s3, artifacts(s3), context(gcp));
    expect(work(q.changes)).toEqual(['delete iam:run:nightly', 'delete sa:invoker', 'delete schedule:nightly:0', 'delete schedule:nightly:1', 'update function:nightly']);
    expect(gcp.jobs.size).toBe(0);
    const names = gcp.calls.map((c) => c.name);
    expect(names.lastIndexOf('scheduler.deleteJob')).toBeLessThan(names.indexOf('iam.deleteServiceAccount'));
  });
});
