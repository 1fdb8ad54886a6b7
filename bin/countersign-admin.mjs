#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step for the CLI); tsx compiles on the fly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-server/admin/cli.ts');
process.exitCode = await main(process.argv.slice(2));
