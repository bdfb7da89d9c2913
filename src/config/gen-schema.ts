// Run by `npm run build` after tsc (`node dist/src/config/gen-schema.js`): writes
// schema/faas.schema.json and the generated reference section of docs/faas-yaml.md from the zod
// schema. test/config/schema-file.test.ts fails when either is out of date.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../paths.js';
import { buildJsonSchema, jsonSchemaText } from './json-schema.js';
import { renderReference, spliceReference } from './reference-doc.js';

const root = packageRoot();
const schemaFile = join(root, 'schema/faas.schema.json');
mkdirSync(dirname(schemaFile), { recursive: true });
writeFileSync(schemaFile, jsonSchemaText());

const docFile = join(root, 'docs/faas-yaml.md');
writeFileSync(docFile, spliceReference(readFileSync(docFile, 'utf8'), renderReference(buildJsonSchema())));
console.log('wrote schema/faas.schema.json and the reference in docs/faas-yaml.md');
