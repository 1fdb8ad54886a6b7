import { loadPolicyCalibration } from '../calibrate/field-calibration.ts';
import { loadTemplates } from '../extract/vendor-templates.ts';
import { loadPolicy } from '../route/policy.ts';
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

/** The versions the engine routes with now, as Settings and `countersign status` show them. */
export function activeVersions(db: Db): ActiveVersions {
  let active = byDb.get(db);
  if (!active) byDb.set(db, (active = new ActiveRoutingConfig(db, bundledRoutingConfig(), BUNDLED.policyFile)));
  return active.current().versions;
}

/** As `activeVersions`, or null when the bundled files cannot be read (a status must still answer). */
export function activeVersionsOrNull(db: Db): ActiveVersions | null {
  try {
    return activeVersions(db);
  } catch {
    return null;
  }
}
