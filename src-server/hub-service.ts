import type { OutputOf, ParsedInputOf } from '../src-shared/contract/define.ts';
import type { HubCallName, HubContract } from '../src-shared/contract/hub.ts';
import type { Principal } from './auth.ts';
import type { HubContext } from './handlers/context.ts';
import { bindHandlers, hubHandlers } from './handlers/index.ts';
import type { SigningKey } from '../src-common/signing/ed25519.ts';
import { ephemeralHubSigningKey } from './hub-signing-key.ts';
import type { HubDatabase } from './store/database.ts';
import type { HubBlobStore } from './blob-store.ts';

export { DEFAULT_EXPORTABLE_FIELDS } from './handlers/artifacts.ts';

/** The hub itself, acting as a hub-wide admin: what `countersign-admin init`, fixtures and benches call in-process. */
const SYSTEM: Principal = { kind: 'user', role: 'admin', userId: 0, userName: 'system', siteId: null, deviceId: null };

/**
 * The hub's handlers over one database and clock. Stateless: everything lives in the database, so any
 * number of hub processes can serve one PostgreSQL.
 */
export class HubService {
  readonly context: HubContext;
  constructor(store: HubDatabase, clock: () => Date = () => new Date(), signingKey: SigningKey = ephemeralHubSigningKey(store), blobs?: HubBlobStore) {
    this.context = { store, clock, signingKey, ...(blobs ? { blobs } : {}) };
  }

  bind(p: Principal) {
    return bindHandlers(this.context, p);
  }

  /** One call as `p` (default: the hub itself), with the argument as the contract parses it. */
  call<K extends HubCallName>(name: K, arg: ParsedInputOf<HubContract, K>, p: Principal = SYSTEM): Promise<OutputOf<HubContract, K>> {
    return (hubHandlers[name] as unknown as (a: unknown, c: unknown) => Promise<OutputOf<HubContract, K>>)(arg, { hub: this.context, p });
  }

  createSite(name: string) {
    return this.call('sites.create', { name });
  }
  createUser(a: { name: string; role: ParsedInputOf<HubContract, 'users.create'>['role']; siteId: number | null; tokenTtlDays?: number }) {
    return this.call('users.create', { tokenTtlDays: 90, ...a });
  }
  createQueue(a: { siteId: number; name: string }) {
    return this.call('queues.create', a);
  }
  createEnrollmentCode(a: { siteId: number; userId: number; ttlMinutes: number }) {
    return this.call('devices.createEnrollmentCode', a);
  }
  createTasks(tasks: ParsedInputOf<HubContract, 'tasks.create'>['tasks'], p: Principal = SYSTEM) {
    return this.call('tasks.create', { tasks }, p);
  }
  pull(cursor: string, limit: number, p: Principal) {
    return this.call('sync.pull', { cursor, limit }, p);
  }
}
