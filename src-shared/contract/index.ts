import { auditContract } from './audit.ts';
import type { HandlersOf } from './define.ts';
import { documentsContract } from './documents.ts';
import { deviceSyncContract } from './hub.ts';
import { insightsContract } from './insights.ts';
import { systemContract } from './system.ts';
import { tasksContract } from './tasks.ts';

/** The engine's whole API, declared once; IPC, HTTP (`POST /rpc/<name>`) and tests are transports over it. */
export const engineContract = {
  ...documentsContract,
  ...tasksContract,
  ...auditContract,
  ...systemContract,
  ...deviceSyncContract,
  ...insightsContract,
};

export type EngineContract = typeof engineContract;
export type EngineCallName = keyof EngineContract;
export type EngineHandlers = HandlersOf<EngineContract>;

export * from './define.ts';
export * from './audit.ts';
export * from './documents.ts';
export * from './system.ts';
export * from './tasks.ts';
export * from './insights.ts';
