import type { HttpHandler } from 'sls-x/runtime';

/**
 * Accepts a job over HTTP. `sends: [jobs]` in faas.yaml grants this function permission to
 * send to the queue; put the message on it with your cloud's SDK where the comment is.
 */
export const handler: HttpHandler = async (req, ctx) => {
  const job = req.json<{ task?: string }>();
  if (!job || typeof job.task !== 'string') return { status: 400, body: { error: '`task` is required' } };
  ctx.log.info('job accepted', { task: job.task });
  // ... send { task } to the `jobs` queue here
  return { status: 202, body: { accepted: job.task } };
};
