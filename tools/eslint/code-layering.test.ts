import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The project's own lint config, on code planted in each layer: what `npm run lint` would say.
const eslint = new ESLint({ cwd: process.cwd() });
const problems = async (filePath: string, code: string) => (await eslint.lintText(code, { filePath }))[0]!.messages.map((m) => m.message);

describe('the layers lint enforces', () => {
  it('refuses an import across a layer line, by resolved path', async () => {
    expect(await problems('src-server/handlers/x.ts', "import { AuditLog } from '../../src-main/audit/audit-log.ts';\nexport { AuditLog };\n")).toEqual([
      expect.stringMatching(/^src-server may not import src-main/),
    ]);
    expect(await problems('src-main/sync/x.ts', "export * from '../../src-server/app.ts';\n")).toEqual([expect.stringMatching(/^src-main may not import src-server/)]);
    expect(await problems('src-main/cli/x.ts', "export { EngineClient } from '../electron/engine-client.ts';\n")).toEqual([expect.stringMatching(/^src-main may not import src-main\/electron/)]);
    expect(await problems('src-renderer/x.ts', "export const load = () => import('../src-common/audit-chain/canonical-json.ts');\n")).toEqual([
      expect.stringMatching(/^src-renderer may not import src-common/),
    ]);
    expect(await problems('src-shared/x.ts', "export * from '../src-common/audit-chain/entry-hash.ts';\n")).toEqual([expect.stringMatching(/^src-shared may not import src-common/)]);
  });

  it('refuses Node modules where the code must run in a page, and Electron outside the shell', async () => {
    expect(await problems('src-shared/x.ts', "import { createHash } from 'node:crypto';\nexport const h = createHash;\n")).toEqual([expect.stringMatching(/src-shared runs everywhere/)]);
    expect(await problems('src-main/engine/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([expect.stringMatching(/plain Node: no Electron/)]);
    expect(await problems('src-renderer/x.ts', "import fs from 'fs';\nexport const f = fs;\n")).toEqual([expect.stringMatching(/sandboxed page/)]);
  });

  it('lets each layer import what it may, and device-to-hub tests run both sides', async () => {
    expect(await problems('src-server/handlers/x.ts', "export * from '../../src-common/audit-chain/entry-hash.ts';\nexport * from '../../src-shared/result.ts';\n")).toEqual([]);
    expect(await problems('src-common/audit-chain/x.ts', "import { createHash } from 'node:crypto';\nexport const h = createHash;\n")).toEqual([]);
    expect(await problems('src-main/electron/x.ts', "export * from '../serve/engine-host.ts';\n")).toEqual([]);
    expect(await problems('src-main/sync/x.test.ts', "export * from '../../src-server/testing/hub-fixture.ts';\n")).toEqual([]);
  });
});
