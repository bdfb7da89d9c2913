// Shared helpers of the local-target benchmarks (no `run` export: bench/run.mjs skips this file).
// They drive the built package (dist/) through the same path as `sls-x deploy`.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import net from 'node:net';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;

export async function project(files) {
  const root = mkdtempSync(join(tmpdir(), 'slsx-bench-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

function adapterContext(root) {
  return { env: process.env, cwd: root, events: () => {}, now: () => new Date() };
}

/** Load faas.yaml, package, plan and apply on the local target; returns the service and the gateway URL. */
export async function deploy(root) {
  const { loadService } = await import(dist('src/config/load-service.js'));
  const { packageService } = await import(dist('src/bundle/package-service.js'));
  const { makePlan, applyPlan } = await import(dist('src/apply/deploy.js'));
  const { adapter } = await import(dist('providers/local/index.js'));
  const { service } = await loadService({ cwd: root, env: process.env, target: 'local' });
  const ctx = adapterContext(root);
  const plan = await makePlan({ service, target: 'local', adapter, ctx, packager: (s, t) => packageService(s, t) });
  const outputs = await applyPlan({ plan, service, adapter, ctx });
  return { service, url: outputs.localCloud.url, pid: outputs.localCloud.pid, adapter, ctx };
}

/** Stop the project's local cloud and delete the folder. */
export async function cleanup(root) {
  const { stopCloud } = await import(dist('providers/local/launcher.js'));
  await stopCloud(root).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
}

export async function control(root) {
  const { findRunning } = await import(dist('providers/local/launcher.js'));
  const { controlClient } = await import(dist('providers/local/clients.js'));
  return controlClient(await findRunning(root));
}

export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  const r = (v) => (v === undefined ? undefined : Math.round(v * 100) / 100);
  return { count: sorted.length, median: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), min: r(sorted[0]), max: r(sorted[sorted.length - 1]) };
}

/** Resident memory of a process, MB (Linux /proc). */
export async function rssMb(pid) {
  const { readFileSync } = await import('node:fs');
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : undefined;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A lean HTTP/1.1 load generator on raw keep-alive sockets (the node:http client would cost more
 * CPU than the gateway it measures on a 2-core machine): `connections` sockets, one request in
 * flight each, for `durationMs`. Returns requests/s, status counts and client latencies.
 */
export function load({ port, path, connections, durationMs }) {
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
  const latencies = [];
  const statuses = {};
  let done = 0;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const until = started + durationMs;
    let open = connections;
    for (let c = 0; c < connections; c++) {
      const socket = net.connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let buf = Buffer.alloc(0);
      let sent = 0;
      const send = () => {
        sent = performance.now();
        socket.write(request);
      };
      socket.on('connect', send);
      socket.on('error', reject);
      socket.on('close', () => {
        if (--open === 0) {
          const seconds = (performance.now() - started) / 1000;
          resolve({ requests: done, rps: Math.round(done / seconds), statuses, latency: stats(latencies) });
        }
      });
      socket.on('data', (chunk) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buf.subarray(0, end).toString('latin1');
          const len = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
          if (buf.length < end + 4 + len) return;
          const status = head.slice(9, 12);
          statuses[status] = (statuses[status] ?? 0) + 1;
          buf = buf.subarray(end + 4 + len);
          latencies.push(performance.now() - sent);
          done++;
          if (performance.now() < until) send();
          else socket.end();
        }
      });
    }
  });
}
