// Registered with `node --import`: records every module URL the process resolves into
// the file named by SLSX_RECORD_IMPORTS, so tests can see what start-up loads.
import { register } from 'node:module';

register(new URL('./record-imports-hooks.mjs', import.meta.url), { data: { file: process.env.SLSX_RECORD_IMPORTS } });
