import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pidAlive } from '../../providers/local/launcher.js';

/** Issue 8.11: `remove` waited on an exited (not yet reaped) local cloud as if it were alive. */
describe.skipIf(!existsSync('/proc/self/stat'))('pidAlive', () => {
  it('is false for a zombie: exited, not yet reaped by its parent', async () => {
    // A parent that forks a child which exits at once, and does not reap it for a while.
    const parent = spawn('python3', ['-c', 'import os,time\npid=os.fork()\nif pid==0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(5)'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d) => resolve(String(d).trim()))));
      for (let i = 0; i < 50; i++) {
        if (!pidAlive(pid)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(() => process.kill(pid, 0)).not.toThrow(); // still "there" for signal 0
      expect(pidAlive(pid)).toBe(false);
      expect(pidAlive(process.pid)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
