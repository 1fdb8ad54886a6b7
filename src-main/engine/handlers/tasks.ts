import type { EngineHandlerMap } from './context.ts';

/** Review tasks: the queue, and reviewers' decisions (written through the door by the task service). */
export const tasks = {
  'tasks.list': async (q, engine) => engine.tasks.list(q),
  'tasks.decide': async (d, engine) => engine.tasks.decide(d),
  'tasks.undo': async (u, engine) => engine.tasks.undo(u),
} satisfies Partial<EngineHandlerMap>;
