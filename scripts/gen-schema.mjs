// Run by `npm run build` after tsc: writes schema/faas.schema.json and the generated reference
// section of docs/faas-yaml.md from the zod schema (src/config/schema.ts, compiled to dist/).
// test/config/schema-file.test.ts fails when either is out of date.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { jsonSchemaText, buildJsonSchema } = await import(join(root, 'dist/src/config/json-schema.js'));
const { renderReference, spliceReference } = await import(join(root, 'dist/src/config/reference-doc.js'));

const schemaFile = join(root, 'schema/faas.schema.json');
mkdirSync(dirname(schemaFile), { recursive: true });
writeFileSync(schemaFile, jsonSchemaText());

const docFile = join(root, 'docs/faas-yaml.md');
writeFileSync(docFile, spliceReference(readFileSync(docFile, 'utf8'), renderReference(buildJsonSchema())));
console.log('wrote schema/faas.schema.json and the reference in docs/faas-yaml.md');
