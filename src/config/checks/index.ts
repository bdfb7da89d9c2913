import { checkBuild } from './build.js';
import type { CheckContext } from './context.js';
import { checkEnv } from './env.js';
import { checkEvents } from './events.js';
import { checkFunctions } from './functions.js';
import { checkHandlers } from './handlers.js';
import { checkHttp } from './http.js';
import { checkNames } from './names.js';
import { checkSchedules } from './schedules.js';
import { checkTargets } from './targets.js';
import { checkExtraIam } from './extra-iam.js';

/** Every check, in one pass: each pushes its problems and none stops the others. */
export async function runChecks(ctx: CheckContext): Promise<void> {
  checkNames(ctx);
  checkFunctions(ctx);
  checkEvents(ctx);
  checkHttp(ctx);
  checkSchedules(ctx);
  checkEnv(ctx);
  checkBuild(ctx);
  await checkHandlers(ctx);
  checkTargets(ctx);
  checkExtraIam(ctx);
}
