import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema, jsonSchemaText } from '../../src/config/json-schema.js';
import { renderReference, spliceReference } from '../../src/config/reference-doc.js';
import { packageRoot } from '../../src/paths.js';

// Set SLSX_UPDATE_SCHEMA=1 to rewrite the files instead (what `npm run build` does from dist/).
const update = process.env.SLSX_UPDATE_SCHEMA === '1';
const root = packageRoot();

describe('generated files are in step with the zod schema', () => {
  it('schema/faas.schema.json', () => {
    const file = join(root, 'schema/faas.schema.json');
    if (update) writeFileSync(file, jsonSchemaText());
    expect(readFileSync(file, 'utf8')).toBe(jsonSchemaText());
  });

  it('the reference section of docs/faas-yaml.md', () => {
    const file = join(root, 'docs/faas-yaml.md');
    const expected = spliceReference(readFileSync(file, 'utf8'), renderReference(buildJsonSchema()));
    if (update) writeFileSync(file, expected);
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });

  it('the JSON Schema rejects unknown keys and describes every function key', () => {
    const schema = buildJsonSchema() as any;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['service', 'functions']);
    const fn = schema.properties.functions.additionalProperties;
    expect(Object.keys(fn.properties)).toEqual(expect.arrayContaining(['handler', 'memory', 'timeout', 'events', 'secrets', 'concurrency']));
    for (const [key, prop] of Object.entries<any>(fn.properties)) expect(prop.description, key).toBeTruthy();
  });
});
