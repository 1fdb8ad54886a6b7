import type { HubHandlers } from '../../src-shared/contract/hub.ts';
import type { Principal } from '../auth.ts';
import { artifacts } from './artifacts.ts';
import { auditHandlers } from './audit.ts';
import { policyPreview } from './policy-preview.ts';
import { auditReportHandlers } from './audit-reports.ts';
import type { HubContext, HubHandlerMap } from './context.ts';
import { devices } from './devices.ts';
import { metricsHandlers } from './metrics.ts';
import { models } from './models.ts';
import { sitesAndUsers } from './sites-users.ts';
import { syncHandlers } from './sync.ts';
import { queuesAndTasks } from './tasks.ts';

/** The hub's handlers: one map per area, joined; `satisfies` fails the build if a contract call has none. */
export const hubHandlers = {
  ...sitesAndUsers,
  ...devices,
  ...artifacts,
  ...policyPreview,
  ...queuesAndTasks,
  ...syncHandlers,
  ...auditHandlers,
  ...auditReportHandlers,
  ...metricsHandlers,
  ...models,
} satisfies HubHandlerMap;

/** The handlers for one request, bound to its caller (what `dispatch` calls). Roles were checked already. */
export function bindHandlers(hub: HubContext, p: Principal): HubHandlers {
  const call = { hub, p };
  const handlers = hubHandlers as unknown as Record<string, (a: unknown, c: typeof call) => Promise<unknown>>;
  // Bound when looked up: a request calls one handler, and binding all sixty cost more than the call itself.
  return new Proxy({} as HubHandlers, {
    get: (_target, name) => (typeof name === 'string' && Object.hasOwn(handlers, name) ? (arg: unknown) => handlers[name]!(arg, call) : undefined),
  });
}
