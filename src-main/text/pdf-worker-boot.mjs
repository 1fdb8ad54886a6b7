// Worker entry: the engine runs its TypeScript sources through tsx (as bin/countersign.mjs does),
// so the worker registers tsx for its own thread before loading the reader.
import { register } from 'tsx/esm/api';

register();
await import('./pdf-worker.ts');
