import type { Calibration } from '../../src-common/routing/field-calibration.ts';
import { loadPolicyCalibration } from '../../src-common/routing/field-calibration.ts';
import { hubPolicy } from '../config/active-config.ts';
import { formatReplay, replayRecorded } from '../engine/policy-replay.ts';
import { loadPolicy, PolicyError, type Policy } from '../route/policy.ts';
import type { Db } from '../store/database.ts';
import { ArtifactRepo } from '../store/artifact-repo.ts';
import { BUNDLED } from '../understand/bundled-paths.ts';
import { rngForDocument } from '../../src-common/routing/seeded-rng.ts';

/** `name@version` (or `hub:name@version`, as routes show it) of a policy this device pulled from the hub. */
export function pulledPolicy(db: Db, ref: string): { policy: Policy; calibration: Calibration | null } {
  const m = /^(?:hub:)?(.+)@(\d+)$/.exec(ref);
  if (!m) throw new PolicyError(`--candidate takes a pulled policy as name@version (e.g. default@3), not "${ref}"`);
  const repo = new ArtifactRepo(db);
  const stored = repo.version('policy', m[1]!, Number(m[2]));
  if (!stored) {
    const have = repo.versions('policy').map((v) => `${v.name}@${v.version}`);
    throw new PolicyError(`No pulled policy ${m[1]}@${m[2]} on this device${have.length ? ` (pulled: ${have.join(', ')})` : ' (none pulled yet: `countersign hub sync`)'}`);
  }
  return hubPolicy(stored, BUNDLED.policyFile);
}

/**
 * Replays what this device processed under a candidate (a file, or a policy pulled from the hub):
 * "current" is the route recorded at the time; the candidate routes each document with the same
 * per-document QA draw live routing would use.
 */
export function policyReplayReport(db: Db, o: { file?: string | undefined; candidate?: string | undefined; current?: string | undefined; json?: boolean | undefined }): string {
  if (!o.file === !o.candidate) throw new PolicyError('Name the candidate policy: a file, or --candidate name@version for one pulled from the hub');
  const cand = o.candidate ? pulledPolicy(db, o.candidate) : (() => {
    const policy = loadPolicy(o.file!);
    return { policy, calibration: loadPolicyCalibration(o.file!, policy) };
  })();
  // Only for documents processed before routes were recorded: the policy they are compared under.
  const currentFile = o.current ?? BUNDLED.policyFile;
  const current = loadPolicy(currentFile);
  const calibrations = { candidate: cand.calibration, current: loadPolicyCalibration(currentFile, current) };
  const report = replayRecorded(db, cand.policy, current, rngForDocument('replay', cand.policy.version), calibrations);
  return o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReplay(report);
}
