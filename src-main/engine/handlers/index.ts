import type { EngineHandlers } from '../../../src-shared/contract/index.ts';
import type { Engine } from '../engine.ts';
import { audit } from './audit.ts';
import type { EngineHandlerMap } from './context.ts';
import { documents } from './documents.ts';
import { sync } from './sync.ts';
import { system } from './system.ts';
import { tasks } from './tasks.ts';

/** The engine's handlers: one map per area, joined; `satisfies` fails the build if a contract call has none. (Settings are the UI's: src-main/serve/ui-handlers.ts.) */
export const engineHandlers = {
  ...documents,
  ...tasks,
  ...audit,
  ...sync,
  ...system,
} satisfies EngineHandlerMap;

/** The handlers bound to one engine: what `dispatch` and every transport call. */
export function bindEngineHandlers(engine: Engine): EngineHandlers {
  return Object.fromEntries(Object.entries(engineHandlers).map(([name, fn]) => [name, (arg: unknown) => (fn as (a: unknown, e: Engine) => Promise<unknown>)(arg, engine)])) as EngineHandlers;
}
