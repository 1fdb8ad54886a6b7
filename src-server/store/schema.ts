import type { Generated } from 'kysely';
import type { AuditRow } from '../../src-common/audit-chain/audit-row.ts';

/** The hub's tables as Kysely sees them (column names as in SQL; repositories map rows to domain objects). */
export interface HubSchema {
  hub_sites: { id: Generated<number>; name: string; created_at: string };
  hub_users: { id: Generated<number>; name: string; role: 'admin' | 'reviewer' | 'clerk' | 'auditor'; site_id: number | null; revoked_at: string | null; created_at: string };
  hub_devices: { id: Generated<number>; site_id: number; user_id: number; name: string; public_key: string; revoked_at: string | null; enrolled_at: string };
  hub_credentials: { token_hash: string; user_id: number; device_id: number | null; created_at: string; expires_at: string | null; revoked_at: string | null };
  hub_enrollment_codes: { code_hash: string; site_id: number; user_id: number; expires_at: string; used_at: string | null; device_id: number | null; revoked_at: string | null };
  hub_queues: { id: Generated<number>; site_id: number; name: string; created_at: string };
  hub_tasks: {
    id: Generated<number>;
    site_id: number;
    queue_id: number;
    doc_ref: string;
    doc_sha256: string;
    doc_type: string;
    fields_json: string;
    priority: number;
    due_at: string | null;
    status: 'open' | 'decided' | 'cancelled';
    created_at: string;
    updated_at: string;
  };
  hub_decisions: {
    id: Generated<number>;
    task_id: number;
    device_id: number;
    client_id: string;
    mutation_id: number;
    user_id: number | null;
    user_name: string;
    claimed_actor: string | null;
    action: 'approve' | 'correct' | 'reject';
    reason: string | null;
    changes_json: string;
    time_spent_ms: number | null;
    decided_at: string;
    received_at: string;
    status: 'accepted' | 'superseded';
  };
  hub_leases: { task_id: number; device_id: number; user_id: number; expires_at: string };
  hub_clients: { client_id: string; device_id: number; last_mutation_id: number; updated_at: string };
  hub_artifacts: { kind: string; name: string; version: number; sha256: string; content_json: string; created_at: string; signature: string | null; signed_by: string | null };
  hub_assignments: { site_id: number; kind: string; name: string; version: number; assigned_at: string };
  hub_changes: { seq: Generated<number>; tx: Generated<number>; site_id: number; type: 'task' | 'artifact'; payload_json: string; created_at: string };
  /** The device's rows as the device stores them, plus who sent them and when they arrived. */
  hub_audit: AuditRow & { device_id: number; received_at: string };
  hub_metric_hours: { device_id: number; site_id: number; hour: string; model_version: string; policy_version: string; hour_json: string; received_at: string };
  hub_metric_current: { device_id: number; site_id: number; current_json: string; received_at: string };
  hub_model_keys: { key_id: string; public_key: string; created_at: string };
  hub_model_packages: { id: Generated<number>; name: string; version: string; task: string; manifest_json: string; manifest_sha256: string; signature: string; key_id: string; size: number; created_at: string };
  hub_model_rollouts: {
    id: Generated<number>;
    site_id: number;
    task: string;
    package_id: number;
    baseline_package_id: number | null;
    stage: 'shadow' | 'canary' | 'stable' | 'rolled_back';
    canary_percent: number;
    device_ids_json: string | null;
    margin: number;
    min_decisions: number;
    reason: string | null;
    created_at: string;
    updated_at: string;
  };
  hub_model_outcomes: {
    device_id: number;
    outcome_id: number;
    task: string;
    rollout_id: number | null;
    served_by: string;
    stable_version: string | null;
    candidate_version: string | null;
    stable_label: string | null;
    candidate_label: string | null;
    reviewed_label: string;
    overridden: number;
    received_at: string;
  };
  hub_audit_batches: { id: Generated<number>; device_id: number; first_seq: number; last_seq: number; signed_bytes: string; signature: string; received_at: string };
}
