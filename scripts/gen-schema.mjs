// Replaced by the config work: writes schema/faas.schema.json from the zod schema.
