import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

// The write door is enforced by lint, not by review: code outside the door and the repositories that
// opens a transaction, appends to the audit log or writes SQL fails `npx eslint .`.
describe('lint keeps every device write behind the door', () => {
  const sneaky = `import type { Db } from '../store/database.ts';
import type { AuditLog } from '../audit/audit-log.ts';
export function sneaky(db: Db, audit: AuditLog) {
  db.transaction(() => db.prepare(\`UPDATE tasks SET status = 'open'\`).run())();
  audit.append({ actor: 'x', event: 'y' });
}
`;
  const lint = async (file: string) => {
    const [result] = await new ESLint({ cwd: ROOT }).lintText(sneaky, { filePath: path.join(ROOT, file) });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  };

  it('refuses a transaction, an audit append and SQL in engine code', async () => {
    const messages = await lint('src-main/engine/sneaky.ts');
    expect(messages.filter((m) => m.includes('write door'))).toHaveLength(2);
    expect(messages.filter((m) => m.includes('repositories'))).toHaveLength(2);
  }, 120_000);

  it('lets a repository hold SQL, but not open its own transaction', async () => {
    const messages = await lint('src-main/store/sneaky-repo.ts');
    expect(messages.filter((m) => m.includes('repositories'))).toHaveLength(0);
    expect(messages.filter((m) => m.includes('write door'))).toHaveLength(2);
  }, 120_000);
});
