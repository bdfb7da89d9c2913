import { z } from 'zod';
import { configSchema } from './schema.js';

/** Where editors find the schema once sls-x is installed. */
export const SCHEMA_ID = 'https://unpkg.com/sls-x/schema/faas.schema.json';

/**
 * schema/faas.schema.json, generated from the zod schema (draft-07: what yaml-language-server
 * and most editors read). `npm run build` writes it; a test checks the committed file matches.
 */
export function buildJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { target: 'draft-7' }) as Record<string, unknown>;
  return { $schema: schema.$schema, $id: SCHEMA_ID, ...schema };
}

export function jsonSchemaText(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}
