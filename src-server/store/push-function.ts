import { FEED_WRITER_LOCK } from './database.ts';

/**
 * Issue 11, migration 0006, replaced by 0007 (PostgreSQL only): a push as one statement, `SELECT hub_push(…)`,
 * so one round trip and one commit instead of BEGIN, the client row, the decisions and COMMIT each waiting on
 * the network. The same rules as the SQLite path in handlers/sync.ts: per client, mutation ids follow the
 * last applied one without a gap, each applied once; replays are answered from what was stored; the first
 * decision on an open task wins, later ones are kept as superseded; a live lease of someone else refuses;
 * the change feed row is written in the same statement. Refusals that need no database (role, fields
 * the site keeps) are made by the caller, which passes only the mutations left to apply in `p_todo`.
 * A device credential's hash, when given, is checked first (revoked or expired: nothing happens).
 * Errors carry the API code in DETAIL (`unauthenticated`, `forbidden`, `mutation_out_of_order`) and roll
 * everything back.
 */
export const createPushFunction = `
CREATE OR REPLACE FUNCTION hub_push(
  p_credential text, p_client text, p_device bigint, p_user bigint, p_user_name text, p_site bigint, p_now text,
  p_ids bigint[], p_todo bigint[], p_task bigint[], p_action text[], p_reason text[], p_changes text[],
  p_time_spent int[], p_decided text[], p_actor text[]
) RETURNS json LANGUAGE plpgsql AS $fn$
DECLARE
  c_device bigint;
  c_last bigint;
  fresh bigint[];
  earlier json;
  outcomes json;
  lost bigint[];
  winners json;
BEGIN
  -- The device credential once more, in the statement that acts on it: the caller may have remembered it.
  IF p_credential IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM hub_credentials c JOIN hub_users u ON u.id = c.user_id JOIN hub_devices d ON d.id = c.device_id
    WHERE c.token_hash = p_credential AND c.device_id = p_device AND c.revoked_at IS NULL AND u.revoked_at IS NULL AND d.revoked_at IS NULL
      AND (c.expires_at IS NULL OR c.expires_at > p_now)
  ) THEN
    RAISE EXCEPTION 'A valid, unrevoked, unexpired credential is needed (Authorization: Bearer …)' USING DETAIL = 'unauthenticated';
  END IF;
  -- Before this transaction has an id: pulls count it as a feed writer still running (see handlers/sync.ts).
  PERFORM pg_advisory_xact_lock_shared(${FEED_WRITER_LOCK}, hashtext(current_schema()));
  -- Creates the client on its first push and, either way, locks its row to the end.
  INSERT INTO hub_clients (client_id, device_id, last_mutation_id, updated_at) VALUES (p_client, p_device, 0, p_now)
    ON CONFLICT (client_id) DO UPDATE SET updated_at = excluded.updated_at
    RETURNING device_id, last_mutation_id INTO c_device, c_last;
  IF c_device <> p_device THEN
    RAISE EXCEPTION 'Client % belongs to another device', p_client USING DETAIL = 'forbidden';
  END IF;
  fresh := ARRAY(SELECT x FROM unnest(p_ids) WITH ORDINALITY AS u(x, o) WHERE x > c_last ORDER BY o);
  FOR i IN 1 .. coalesce(array_length(fresh, 1), 0) LOOP
    IF fresh[i] <> c_last + i THEN
      RAISE EXCEPTION 'Mutation ids must follow % without a gap: expected %, got %. Nothing in this push was applied; resend from %.',
        c_last, c_last + i, fresh[i], c_last + 1 USING DETAIL = 'mutation_out_of_order';
    END IF;
  END LOOP;
  SELECT json_agg(json_build_object('mutation_id', d.mutation_id, 'status', d.status)) INTO earlier
    FROM hub_decisions d WHERE d.client_id = p_client AND d.mutation_id IN (SELECT x FROM unnest(p_ids) AS x WHERE x <= c_last);
  IF coalesce(array_length(fresh, 1), 0) = 0 THEN
    RETURN json_build_object('last', c_last, 'earlier', earlier);
  END IF;

  WITH m AS (
    SELECT * FROM unnest(p_todo, p_task, p_action, p_reason, p_changes, p_time_spent, p_decided, p_actor)
      AS m(mutation_id, task_id, action, reason, changes_json, time_spent_ms, decided_at, claimed_actor)
    WHERE m.mutation_id > c_last
  ),
  -- The tasks by primary key, then the site checked (MATERIALIZED keeps the two apart): given both at once, a
  -- planner without statistics (tasks created minutes ago) walks every open task of the site instead.
  found AS MATERIALIZED (
    SELECT t.id, t.site_id, l.device_id AS lease_device, l.user_id AS lease_user, l.expires_at AS lease_expires
    FROM hub_tasks t LEFT JOIN hub_leases l ON l.task_id = t.id
    WHERE t.id IN (SELECT task_id FROM m)
  ),
  tk AS (
    SELECT id, lease_device, lease_user, lease_expires,
           (lease_expires > p_now AND (lease_device <> p_device OR lease_user <> p_user)) AS blocked
    FROM found WHERE site_id = p_site
  ),
  firsts AS (
    SELECT DISTINCT ON (m.task_id) m.task_id, m.mutation_id FROM m JOIN tk ON tk.id = m.task_id AND NOT coalesce(tk.blocked, false)
    ORDER BY m.task_id, m.mutation_id
  ),
  -- By primary key only: tk checked the site (a site condition here would tempt the planner as above).
  won AS (
    UPDATE hub_tasks t SET status = 'decided', updated_at = p_now FROM firsts f
    WHERE t.id = f.task_id AND t.status = 'open'
    RETURNING t.*, f.mutation_id AS won_mutation
  ),
  ins AS (
    INSERT INTO hub_decisions (task_id, device_id, client_id, mutation_id, user_id, user_name, claimed_actor, action, reason, changes_json, time_spent_ms, decided_at, received_at, status)
    SELECT m.task_id, p_device, p_client, m.mutation_id, p_user, p_user_name, m.claimed_actor, m.action, m.reason, m.changes_json, m.time_spent_ms, m.decided_at, p_now,
           CASE WHEN w.won_mutation IS NULL THEN 'superseded' ELSE 'accepted' END
    FROM m JOIN tk ON tk.id = m.task_id AND NOT coalesce(tk.blocked, false) LEFT JOIN won w ON w.id = m.task_id AND w.won_mutation = m.mutation_id
    RETURNING mutation_id
  ),
  -- Data-modifying CTEs run to completion whether or not the query below reads them.
  gone AS (DELETE FROM hub_leases WHERE task_id IN (SELECT id FROM won)),
  -- The change feed in the same statement: each decided task's new state, as toTask() writes it.
  feed AS (
    INSERT INTO hub_changes (site_id, type, payload_json, created_at)
    SELECT w.site_id, 'task', json_build_object('task', json_build_object(
             'id', w.id, 'siteId', w.site_id, 'queueId', w.queue_id, 'docRef', w.doc_ref, 'docSha256', w.doc_sha256, 'docType', w.doc_type,
             'fields', w.fields_json::json, 'priority', w.priority, 'dueAt', w.due_at, 'status', w.status,
             'decision', json_build_object('action', m.action, 'user', p_user_name, 'deviceId', p_device, 'decidedAt', m.decided_at, 'receivedAt', p_now),
             'lease', NULL, 'createdAt', w.created_at, 'updatedAt', w.updated_at))::text, p_now
    FROM won w JOIN m ON m.mutation_id = w.won_mutation ORDER BY m.mutation_id
  )
  SELECT json_agg(json_build_object(
           'mutation_id', m.mutation_id, 'task_id', m.task_id, 'known', tk.id IS NOT NULL, 'lease_device', tk.lease_device, 'lease_user', tk.lease_user,
           'lease_expires', CASE WHEN tk.blocked THEN tk.lease_expires END, 'won', w.won_mutation IS NOT NULL) ORDER BY m.mutation_id),
         -- The tasks this push found decided already, as an array: matched by index below, never parsed back from JSON.
         array_agg(m.task_id) FILTER (WHERE tk.id IS NOT NULL AND NOT coalesce(tk.blocked, false) AND w.won_mutation IS NULL)
    INTO outcomes, lost
  FROM m LEFT JOIN tk ON tk.id = m.task_id LEFT JOIN won w ON w.won_mutation = m.mutation_id;

  UPDATE hub_clients SET last_mutation_id = fresh[array_length(fresh, 1)], updated_at = p_now WHERE client_id = p_client;
  -- Who won the tasks this push found decided: a statement of its own, so it sees winners committed meanwhile.
  IF lost IS NOT NULL THEN
    SELECT json_agg(json_build_object('task_id', d.task_id, 'user_name', d.user_name, 'device_id', d.device_id, 'received_at', d.received_at)) INTO winners
      FROM hub_decisions d WHERE d.status = 'accepted' AND d.task_id = ANY (lost);
  END IF;
  RETURN json_build_object('last', c_last, 'earlier', earlier, 'outcomes', outcomes, 'winners', winners);
END
$fn$`;
