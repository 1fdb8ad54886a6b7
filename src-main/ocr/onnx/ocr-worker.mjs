// Worker-thread entry: the engine runs from TypeScript sources (as the CLI does), so the worker
// registers tsx before loading the real worker module.
import { register } from 'tsx/esm/api';

register();
await import('./ocr-worker.ts');
