import { queue, type HttpHandler } from 'sls-x/runtime';

/**
 * Accepts a job over HTTP and puts it on the `jobs` queue. `sends: [jobs]` in faas.yaml is what
 * allows it: the same call works on the local cloud, AWS (SQS) and GCP (Pub/Sub).
 */
export const handler: HttpHandler = async (req, ctx) => {
  const job = req.json<{ task?: string }>();
  if (!job || typeof job.task !== 'string') return { status: 400, body: { error: '`task` is required' } };
  const { id } = await queue('jobs').send({ task: job.task });
  ctx.log.info('job accepted', { task: job.task, id });
  return { status: 202, body: { accepted: job.task, id } };
};
