import { basename } from 'node:path';
import { SlsxError } from '../errors/slsx-error.js';

/** What faas.yaml accepts as `service`: lowercase letters, digits and single hyphens, starting with a letter. */
export const SERVICE_NAME = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,39}$/;

// Short by default: the name is part of every cloud resource name, next to the stage and function.
const DEFAULT_MAX = 24;

/** A valid service name from a folder name: `My Shop!` -> `my-shop`. */
export function nameFromFolder(dir: string): string {
  let name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!name) return 'my-service';
  if (!/^[a-z]/.test(name)) name = `svc-${name}`;
  return name.slice(0, DEFAULT_MAX).replace(/-+$/, '');
}

/** The `--name` given, checked, or one made from the folder name. */
export function serviceName(dir: string, given?: string): string {
  if (given === undefined) return nameFromFolder(dir);
  if (!SERVICE_NAME.test(given)) {
    throw new SlsxError('USAGE', `\`${given}\` is not a valid service name.`, {
      hint: `Use lowercase letters, digits and hyphens, starting with a letter, at most 40 characters (e.g. \`${nameFromFolder(given)}\`).`,
    });
  }
  return given;
}
