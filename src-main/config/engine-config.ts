import { loadPolicyCalibration } from '../../src-common/routing/field-calibration.ts';
import { loadTemplates } from '../extract/vendor-templates.ts';
import { loadPolicy, type Policy } from '../route/policy.ts';
import { loadRuleSet } from '../rules/rule-set.ts';
import type { Db } from '../store/database.ts';
import { BUNDLED } from '../understand/bundled-paths.ts';
import { ActiveRoutingConfig, type ActiveVersions, type RoutingConfig } from './active-config.ts';

const byDb = new WeakMap<Db, ActiveRoutingConfig>();

/** The engine's routing configuration for one data directory: what the hub assigned, else the bundled files. */
export function activeRouting(db: Db, bundled: RoutingConfig): () => RoutingConfig {
  const active = new ActiveRoutingConfig(db, bundled, BUNDLED.policyFile);
  byDb.set(db, active);
  return () => active.current().config;
}

/** The bundled policy, rule set and templates, without the model (status and Settings need no classifier). */
export function bundledRoutingConfig(): RoutingConfig {
  const policy = loadPolicy(BUNDLED.policyFile);
  return { policy, ruleSet: loadRuleSet(BUNDLED.rulesFile), templates: loadTemplates(BUNDLED.templatesDir), calibration: loadPolicyCalibration(BUNDLED.policyFile, policy) };
}

function activeFor(db: Db): ActiveRoutingConfig {
  let active = byDb.get(db);
  if (!active) byDb.set(db, (active = new ActiveRoutingConfig(db, bundledRoutingConfig(), BUNDLED.policyFile)));
  return active;
}

/** The versions the engine routes with now, as Settings and `countersign status` show them. */
export function activeVersions(db: Db): ActiveVersions {
  return activeFor(db).current().versions;
}

/** The policy in use (sensitive fields, retention): the hub's assigned one, else the bundled file. */
export function activePolicy(db: Db): Policy {
  return activeFor(db).current().config.policy;
}

/** As `activeVersions`, or null when the bundled files cannot be read (a status must still answer). */
export function activeVersionsOrNull(db: Db): ActiveVersions | null {
  try {
    return activeVersions(db);
  } catch {
    return null;
  }
}
