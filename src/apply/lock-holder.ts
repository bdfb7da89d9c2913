import { hostname } from 'node:os';

/** `<host>:<pid>`: who a deploy lock belongs to. */
export function lockHolder(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Whether a lock's holder may still be running: on this host, its process is alive; elsewhere,
 * the lock has not expired yet (it is renewed while the deploy runs).
 */
export function holderLive(holder: string | undefined, expiresAt: string | undefined, now: number): boolean {
  const [host, pid] = (holder ?? '').split(':');
  if (host === hostname() && pid && /^\d+$/.test(pid)) {
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  const expires = expiresAt ? Date.parse(expiresAt) : 0;
  return expires > now;
}
