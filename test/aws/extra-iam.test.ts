import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAws } from './support/fake-aws.js';
import { cleanup, cli, shopProject } from './support/cli.js';

const EXTRA = `    targets:
      aws:
        iam:
          - actions: [dynamodb:GetItem, dynamodb:PutItem]
            resources: [arn:aws:dynamodb:eu-west-1:123456789012:table/orders]
`;

function withExtra(dir: string, extra: string): void {
  const yaml = readFileSync(join(dir, 'faas.yaml'), 'utf8');
  writeFileSync(join(dir, 'faas.yaml'), yaml.replace('    concurrency: { max: 50, warm: 0 }\n', `    concurrency: { max: 50, warm: 0 }\n${extra}`));
}

describe('aws: extra IAM statements for a function (the escape hatch)', () => {
  const dirs: string[] = [];
  afterEach(() => cleanup(dirs));

  it('are said at validate, planned under [IAM] as a change of the role, and written into its policy', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    expect((await cli(['deploy', '--target', 'aws'], dir, aws)).code).toBe(0);
    withExtra(dir, EXTRA);
    const validated = await cli(['validate', '--target', 'aws'], dir, aws);
    expect(validated.code).toBe(0);
    expect(validated.stdout + validated.stderr).toMatch(/faas\.yaml:\d+:\d+: warning \[extra-iam\] \(aws\) Function `api` adds 1 IAM statement\(s\) to its role beyond the derived least-privilege ones: Allow dynamodb:GetItem, dynamodb:PutItem on arn:aws:dynamodb:eu-west-1:123456789012:table\/orders\./);
    const plan = await cli(['plan', '--target', 'aws'], dir, aws);
    expect(plan.stdout).toMatch(/~ update {2}role:api +policy: \+ Allow dynamodb:GetItem, dynamodb:PutItem on arn:aws:dynamodb:eu-west-1:123456789012:table\/orders +\[IAM\]/);
    expect((await cli(['deploy', '--target', 'aws'], dir, aws)).code).toBe(0);
    const doc = JSON.parse(aws.inputs('iam:PutRolePolicy').filter((i) => i.RoleName === 'shop-dev-api').pop().PolicyDocument);
    expect(doc.Statement.at(-1)).toEqual({ Sid: 'Extra1', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: ['arn:aws:dynamodb:eu-west-1:123456789012:table/orders'] });
    // Derived statements stay as they were.
    expect(doc.Statement[0].Sid).toBe('Logs');
    expect((await cli(['plan', '--target', 'aws'], dir, aws)).stdout).toContain('No changes');
  });

  it('a malformed action or resource is refused at its line; a wildcard and other targets are warned about', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    withExtra(dir, EXTRA.replace('dynamodb:GetItem', 'GetItem').replace('arn:aws:dynamodb:eu-west-1:123456789012:table/orders', 'orders'));
    const bad = await cli(['validate', '--target', 'aws'], dir, aws);
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toContain('an IAM action is `service:Action`, e.g. `dynamodb:GetItem`');
    expect(bad.stdout + bad.stderr).toContain('a resource is an ARN (`arn:aws:dynamodb:...`) or `*`');
    expect(bad.stdout + bad.stderr).toMatch(/faas\.yaml:\d+:\d+/);

    const dir2 = shopProject(dirs);
    withExtra(dir2, EXTRA.replace('arn:aws:dynamodb:eu-west-1:123456789012:table/orders', '"*"'));
    const wide = await cli(['validate', '--target', 'all'], dir2, aws);
    const text = wide.stdout + wide.stderr;
    expect(text).toContain('[extra-iam-wildcard] (aws) Statement 1 of `api` allows dynamodb:GetItem, dynamodb:PutItem on *');
    expect(text).toContain('[extra-iam-not-applied] (gcp) `functions.api.targets.aws.iam` applies on aws only: on gcp, `api` gets only the permissions sls-x derives.');
    expect(text).toContain('[extra-iam-not-applied] (azure)');
  });
});
