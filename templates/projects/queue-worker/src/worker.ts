import { bucket, type QueueHandler, type QueueMessage } from 'sls-x/runtime';

interface Job {
  task: string;
}

async function runJob(id: string, job: Job): Promise<void> {
  if (!job.task) throw new Error('empty task');
  // ... do the work here, then keep its result (`buckets: [{ name: results, access: write }]`).
  await bucket('results').put(`jobs/${id}.json`, { task: job.task, done: new Date().toISOString() });
}

/**
 * Handles a batch of messages. Returning `{ failed: [ids] }` retries only those messages;
 * after `maxRetries` they land in the dead-letter queue. Throwing retries the whole batch.
 */
export const handler: QueueHandler = async (messages: QueueMessage[], ctx) => {
  const failed: string[] = [];
  for (const msg of messages) {
    try {
      await runJob(msg.id, msg.json<Job>());
    } catch (err) {
      ctx.log.warn('job failed', { id: msg.id, attempt: msg.attempt, err });
      failed.push(msg.id);
    }
  }
  return { failed };
};
