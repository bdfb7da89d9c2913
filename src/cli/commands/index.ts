import type { CommandDef } from '../context.js';

/**
 * Every command as data. Runs are imported only when their command is used, so `--help`
 * and `--version` load nothing heavy (no SDKs, esbuild, React or ink).
 */
export const commands: CommandDef[] = [
  {
    name: 'init',
    description: 'create a new sls-x project from a template',
    arguments: [{ name: '[dir]', description: 'folder to create (default: the current folder)' }],
    options: [
      { flags: '--template <name>', description: 'project template', default: 'http-api', choices: ['http-api', 'queue-worker', 'cron'] },
      { flags: '--name <service>', description: 'service name (default: the folder name)' },
      { flags: '--force', description: 'write into a non-empty folder' },
    ],
    common: false,
    load: () => import('./init.js'),
  },
  {
    name: 'validate',
    description: 'check faas.yaml: every problem at once, with file:line:col and a fix',
    load: () => import('./validate.js'),
  },
  {
    name: 'package',
    description: 'bundle every function with esbuild into deterministic zips under .sls-x/build/<target>/',
    options: [{ flags: '--sourcemap', description: 'include source maps' }],
    load: () => import('./package.js'),
  },
  {
    name: 'plan',
    description: 'show what deploy would change, without changing anything',
    options: [{ flags: '--out <file>', description: 'save the plan as JSON for `sls-x deploy <file>`' }],
    load: () => import('./plan.js'),
  },
  {
    name: 'deploy',
    description: 'package, plan and apply the service to a target (default: local)',
    arguments: [{ name: '[plan]', description: 'a plan file saved by `sls-x plan --out` to apply exactly' }],
    options: [
      { flags: '--plan', description: 'stop after planning (same as `sls-x plan`)' },
      { flags: '--out <file>', description: 'with --plan: save the plan as JSON' },
      { flags: '--function <name>', description: 'deploy only this function\'s code and configuration (fast path)' },
    ],
    load: () => import('./deploy.js'),
  },
  {
    name: 'invoke',
    description: 'invoke one function and print its result and figures',
    arguments: [{ name: '<fn>', description: 'function name from faas.yaml' }],
    options: [
      { flags: '--data <json>', description: 'event payload as JSON (- reads it from standard input)' },
      { flags: '--file <path>', description: 'read the event payload from a file (- for standard input)' },
      { flags: '--local', description: 'run the handler on this machine without deploying (no local cloud; queues refused)' },
    ],
    load: () => import('./invoke.js'),
  },
  {
    name: 'logs',
    description: 'show structured logs of a function, per invocation',
    arguments: [{ name: '<fn>', description: 'function name from faas.yaml' }],
    options: [
      { flags: '-f, --follow', description: 'keep printing new logs' },
      { flags: '--since <duration>', description: 'only logs newer than this, e.g. 10m, 1h' },
      { flags: '--filter <pattern>', description: 'only lines whose message or data contain this text (or match /regex/flags)' },
    ],
    load: () => import('./logs.js'),
  },
  {
    name: 'info',
    description: 'show a stage\'s endpoints, functions, queues, buckets and schedules on a target',
    load: () => import('./info.js'),
  },
  {
    name: 'remove',
    description: 'delete everything this service and stage deployed to a target',
    load: () => import('./remove.js'),
  },
  {
    name: 'unlock',
    description: "show who holds this stage's deploy lock, and remove it when its deploy is gone (--force: whoever holds it)",
    options: [{ flags: '--force', description: 'remove the lock even if its holder may still be running' }],
    load: () => import('./unlock.js'),
  },
  {
    name: 'dev',
    description: 'run the local cloud in the foreground, rebuilding on change',
    options: [{ flags: '--inspect [port]', description: 'open the Node.js debugger on 127.0.0.1 (default 9229) for the functions\' workers' }],
    load: () => import('./dev.js'),
  },
  {
    name: 'cost',
    description: 'monthly cost across AWS, Azure and GCP',
    subcommands: [
      {
        name: 'estimate',
        description: 'estimate monthly cost per function and target for a traffic profile',
        options: [
          { flags: '--requests <n>', description: 'requests per period, e.g. 10M, 250k' },
          { flags: '--duration <time>', description: 'average duration, e.g. 120ms, 1.5s' },
          { flags: '--memory <mb>', description: 'memory in MB' },
          { flags: '--arch <arch>', description: 'arm64 or x86_64 (default: both for AWS)' },
          { flags: '--per <period>', description: 'month | day | hour: the period --requests counts', default: 'month' },
          { flags: '--from-metrics', description: 'use measured figures from invocation records' },
          { flags: '--no-free-tier', description: 'list prices without free grants' },
          { flags: '--rates <file>', description: 'JSON file overriding catalog rates' },
          { flags: '--compare-vm <price|size>', description: 'break-even against an always-on VM (hourly USD or a catalog size)' },
          { flags: '--format <format>', description: 'table | json | markdown', default: 'table' },
          { flags: '--cold-rate <fraction>', description: 'share of invocations that are cold, e.g. 2% or 0.02 (default 0)' },
          { flags: '--init <time>', description: 'init duration of a cold start, e.g. 140ms (billed on AWS and GCP)' },
          { flags: '--warm <n>', description: 'warm instances: AWS provisioned concurrency, Azure always ready, GCP min instances' },
          { flags: '--max-concurrency <n>', description: 'AWS reserved concurrency / Azure and GCP max instances' },
          { flags: '--per-instance <n>', description: 'concurrent executions per instance (Azure Flex, GCP)' },
          { flags: '--ephemeral <mb>', description: 'AWS ephemeral storage in MB (512 included)' },
          { flags: '--events <list>', description: 'triggers to price: http,queue,schedule' },
          { flags: '--batch-size <n>', description: 'queue messages per invocation' },
          { flags: '--message-kb <kb>', description: 'queue message size in KB (default 1)' },
          { flags: '--peak <factor>', description: 'peak-to-average request rate, for capacity checks (default 1)' },
          { flags: '--since <duration>', description: 'with --from-metrics: only records newer than this, e.g. 1h (also the window scaled to a month)' },
        ],
        load: () => import('./cost-estimate.js'),
      },
    ],
  },
  {
    name: 'metrics',
    description: 'per-function invocations, cold starts, latency percentiles, errors and throttles',
    options: [
      { flags: '--compare', description: 'cold-start comparison across targets with data' },
      { flags: '--since <duration>', description: 'only invocations newer than this, e.g. 1h' },
    ],
    load: () => import('./metrics.js'),
  },
  {
    name: 'queue',
    description: 'send to a queue and inspect its dead-letter queue (local target)',
    subcommands: [
      {
        name: 'send',
        description: 'send a message to a queue',
        arguments: [
          { name: '<queue>', description: 'queue name from faas.yaml' },
          { name: '<body>', description: 'message body' },
        ],
        load: () => import('./queue-send.js'),
      },
      {
        name: 'dlq',
        description: "list a queue's dead-lettered messages",
        arguments: [{ name: '<queue>', description: 'queue name from faas.yaml' }],
        options: [{ flags: '--redrive', description: 'move them back to the queue' }],
        load: () => import('./queue-dlq.js'),
      },
    ],
  },
  {
    name: 'bucket',
    description: 'work with storage buckets (local target)',
    subcommands: [
      {
        name: 'put',
        description: 'put a file into a bucket (fires storage events)',
        arguments: [
          { name: '<bucket>', description: 'bucket name from faas.yaml' },
          { name: '<file>', description: 'file to upload' },
        ],
        options: [{ flags: '--key <key>', description: 'object key (default: the file name)' }],
        load: () => import('./bucket-put.js'),
      },
    ],
  },
  {
    name: 'bench',
    description: 'measure a deployed service',
    subcommands: [
      {
        name: 'coldstart',
        description: 'force cold starts of a function and measure them',
        arguments: [{ name: '<fn>', description: 'function name' }],
        options: [
          { flags: '-n <count>', description: 'number of cold starts (1 to 1000)', default: '20' },
          { flags: '--data <json>', description: 'event payload as JSON for each invocation' },
        ],
        load: () => import('./bench-coldstart.js'),
      },
    ],
  },
  {
    name: 'completion',
    description: 'print a shell completion script: bash, zsh or fish (e.g. source <(sls-x completion bash))',
    arguments: [{ name: '<shell>', description: 'bash | zsh | fish' }],
    common: false,
    load: () => import('./completion.js'),
  },
];
