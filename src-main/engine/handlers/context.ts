import type { EngineCallName, EngineContract } from '../../../src-shared/contract/index.ts';
import type { OutputOf, ParsedInputOf } from '../../../src-shared/contract/define.ts';
import type { Engine } from '../engine.ts';

/** One handler per contract entry, given the engine it serves; each area's map satisfies a part of it, the join all of it. */
export type EngineHandler<K extends EngineCallName> = (arg: ParsedInputOf<EngineContract, K>, engine: Engine) => Promise<OutputOf<EngineContract, K>>;
export type EngineHandlerMap = { [K in EngineCallName]: EngineHandler<K> };
