import path from 'node:path';
import type { Calibration } from '../../src-common/routing/field-calibration.ts';
import { loadPolicyCalibration } from '../../src-common/routing/field-calibration.ts';
import { parseTemplate, type VendorTemplate } from '../extract/vendor-templates.ts';
import { parsePolicy, type Policy } from '../route/policy.ts';
import { parseRuleSet, type RuleSet } from '../rules/rule-set.ts';
import type { Db } from '../store/database.ts';
import { ArtifactRepo, type StoredArtifact } from '../store/artifact-repo.ts';

/** What routes a document: one consistent set, taken once per document. */
export interface RoutingConfig {
  policy: Policy;
  ruleSet: RuleSet;
  templates: VendorTemplate[];
  /** The field calibration the policy's thresholds were set against; null keeps raw confidences. */
  calibration: Calibration | null;
}

/** Which versions are in use, as Settings and `countersign status` show them. */
export interface ActiveVersions {
  source: { policy: 'hub' | 'bundled'; ruleSet: 'hub' | 'bundled'; templates: 'hub' | 'bundled' };
  policy: string;
  ruleSet: string;
  templates: string[];
}

/** How a hub version is named on every route, task and audit entry: `hub:<name>@<version>`. */
export const hubVersionLabel = (a: { name: string; version: number }): string => `hub:${a.name}@${a.version}`;

/** A hub policy as the engine routes with it: its version is the hub's, and the calibration it names is one this app ships. */
export function hubPolicy(a: StoredArtifact, bundledPolicyFile: string): { policy: Policy; calibration: Calibration | null } {
  const parsed = parsePolicy(a.content, `policy ${a.name} version ${a.version}`);
  const policy = { ...parsed, version: hubVersionLabel(a) };
  // Only a file name, looked up beside the bundled policy: a hub policy never points elsewhere on this disk.
  const named = parsed.calibration ? { calibration: path.basename(parsed.calibration) } : {};
  return { policy, calibration: loadPolicyCalibration(bundledPolicyFile, named) };
}

export const hubRuleSet = (a: StoredArtifact): RuleSet => ({ ...parseRuleSet(a.content, `ruleSet ${a.name} version ${a.version}`), version: hubVersionLabel(a) });

export const hubTemplate = (a: StoredArtifact): VendorTemplate => parseTemplate(a.content, `${a.name}@${a.version}`);

/**
 * The configuration the engine routes with: the policy, rule set and vendor templates the hub
 * assigned to this site (verified when pulled), else the bundled ones. The latest assigned policy
 * and rule set win; assigned templates replace the bundled set. Rebuilt only when an assignment
 * changes; a document takes one snapshot, so a switch never mixes two versions in one route.
 */
export class ActiveRoutingConfig {
  private readonly repo: ArtifactRepo;
  private cached: { fingerprint: string; config: RoutingConfig; versions: ActiveVersions } | null = null;

  constructor(
    db: Db,
    private readonly bundled: RoutingConfig,
    private readonly bundledPolicyFile: string,
  ) {
    this.repo = new ArtifactRepo(db);
  }

  current(): { config: RoutingConfig; versions: ActiveVersions } {
    const fingerprint = this.repo.assignedFingerprint();
    if (this.cached?.fingerprint !== fingerprint) this.cached = { fingerprint, ...this.build(this.repo.assigned()) };
    return this.cached;
  }

  private build(assigned: StoredArtifact[]): { config: RoutingConfig; versions: ActiveVersions } {
    const policyRow = assigned.filter((a) => a.kind === 'policy').at(-1);
    const rulesRow = assigned.filter((a) => a.kind === 'ruleSet').at(-1);
    const templateRows = assigned.filter((a) => a.kind === 'template').sort((a, b) => a.name.localeCompare(b.name));
    const fromHub = policyRow ? hubPolicy(policyRow, this.bundledPolicyFile) : null;
    const config: RoutingConfig = {
      policy: fromHub?.policy ?? this.bundled.policy,
      calibration: fromHub ? fromHub.calibration : this.bundled.calibration,
      ruleSet: rulesRow ? hubRuleSet(rulesRow) : this.bundled.ruleSet,
      templates: templateRows.length ? templateRows.map(hubTemplate) : this.bundled.templates,
    };
    const versions: ActiveVersions = {
      source: { policy: policyRow ? 'hub' : 'bundled', ruleSet: rulesRow ? 'hub' : 'bundled', templates: templateRows.length ? 'hub' : 'bundled' },
      policy: config.policy.version,
      ruleSet: config.ruleSet.version,
      templates: config.templates.map((t) => t.name),
    };
    return { config, versions };
  }
}
