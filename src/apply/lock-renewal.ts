/**
 * Keep a deploy lock alive while a deploy runs: `renew` every `intervalMs`. A renewal that fails
 * stops the timer and calls `onLost` once, so the user hears that another deploy could start
 * when the lock expires, instead of the lock lapsing in silence.
 */
export function keepRenewed(renew: () => Promise<void>, intervalMs: number, onLost: (err: unknown) => void): { stop(): void } {
  let stopped = false;
  const timer = setInterval(() => {
    renew().catch((err: unknown) => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      onLost(err);
    });
  }, intervalMs);
  timer.unref?.();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
