import type { StorageHandler } from 'sls-x/runtime';

/** New `images/*.jpg` in the uploads bucket: make a thumbnail (here: log what would be done). */
export const thumbnail: StorageHandler = async (events, ctx) => {
  for (const ev of events) {
    ctx.log.info('thumbnail', { bucket: ev.bucket, key: ev.key, size: ev.size, target: `thumbs/${ev.key.split('/').pop()}` });
  }
};
