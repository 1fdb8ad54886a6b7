import type { Command } from 'commander';
import path from 'node:path';
import type { createClient } from '../../src-shared/contract/dispatch.ts';
import type { HubContract } from '../../src-shared/contract/hub.ts';
import { MAX_CHUNK_BYTES } from '../../src-shared/contract/models-hub.ts';
import type { SignedManifest } from '../../src-shared/model-package.ts';
import { packFolder } from '../../src-common/model-package/pack-package.ts';
import { createAdminKey, readAdminKey, writeAdminKey } from '../../src-common/model-package/package-signature.ts';
import { readRange } from '../../src-common/read-range.ts';

type Hub = () => ReturnType<typeof createClient<HubContract>>;
type Out = (value: unknown) => void;
const int = (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
};
const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
};

/** Uploads each file the hub does not hold yet, in chunks, resuming at what it holds; then publishes the signed manifest. */
export async function uploadAndPublish(hub: ReturnType<Hub>, dir: string, signed: SignedManifest, chunkBytes = MAX_CHUNK_BYTES) {
  for (const f of signed.manifest.files) {
    let { have, sealed } = await hub.call('models.fileStatus', { sha256: f.sha256 });
    while (!sealed) {
      const chunk = readRange(path.join(dir, f.path), have, Math.min(chunkBytes, f.size - have));
      ({ have, sealed } = await hub.call('models.uploadFile', { sha256: f.sha256, size: f.size, offset: have, dataBase64: chunk.toString('base64') }));
    }
  }
  return hub.call('models.publish', signed);
}

/** `countersign-admin keys …` and `countersign-admin models …`: signing keys, packages and rollouts. */
export function addModelCommands(program: Command, hub: Hub, out: Out): void {
  const keys = program.command('keys').description('Admin Ed25519 keys that sign model packages');
  keys
    .command('create')
    .description('Create a signing key pair in a new 0600 file; prints the public key and its id')
    .requiredOption('--out <file>', 'where to write the key (kept by the admin, never on the hub)')
    .action((o: { out: string }) => {
      const k = createAdminKey();
      writeAdminKey(o.out, k);
      out({ keyId: k.keyId, publicKey: k.publicKey, file: path.resolve(o.out) });
    });
  keys
    .command('register')
    .description("Register a key's public half on the hub; devices trust the registered keys when they first sync")
    .requiredOption('--key <file>', 'key file (only its public key is sent)')
    .action(async (o: { key: string }) => out(await hub().call('models.registerKey', { publicKey: readAdminKey(o.key).publicKey })));
  keys.command('list').action(async () => out(await hub().call('models.keys', {})));

  const models = program.command('models').description('Model packages and their rollout (shadow, canary, stable, rollback)');
  const signOptions = (c: Command) =>
    c
      .requiredOption('--key <file>', 'admin key file that signs the manifest')
      .option('--min-app-version <v>', 'oldest app version that may install it', '0.1.0')
      .option('--version <v>', 'package version (default: the model’s own, config.json or manifest.json)');
  signOptions(models.command('pack <folder>').description('Hash every file of a model folder, sign the manifest, write countersign-package.json (for an offline install)')).action(
    (folder: string, o: { key: string; minAppVersion: string; version?: string }) => out(packFolder(folder, readAdminKey(o.key), { minAppVersion: o.minAppVersion, ...(o.version ? { version: o.version } : {}) })),
  );
  signOptions(models.command('publish <folder>').description('Pack and sign a model folder, upload its files in chunks (resuming), publish it')).action(
    async (folder: string, o: { key: string; minAppVersion: string; version?: string }) => {
      const signed = packFolder(folder, readAdminKey(o.key), { minAppVersion: o.minAppVersion, ...(o.version ? { version: o.version } : {}) });
      out(await uploadAndPublish(hub(), folder, signed));
    },
  );
  models.command('list').action(async () => out(await hub().call('models.list', {})));
  models
    .command('rollout <packageId>')
    .description('Start a rollout at a site: shadow (default), canary or stable')
    .requiredOption('--site <id>', 'site', int)
    .option('--stage <stage>', 'shadow, canary or stable', 'shadow')
    .option('--percent <n>', 'canary: share of documents (0-100)', num, 10)
    .option('--devices <ids>', 'only these devices (comma-separated ids): a device group')
    .option('--margin <x>', 'roll back when the candidate is worse than stable by more than this (0-1)', num, 0.05)
    .option('--min-decisions <n>', '… over at least this many reviewed documents', int, 50)
    .action(async (id: string, o: { site: number; stage: 'shadow' | 'canary' | 'stable'; percent: number; devices?: string; margin: number; minDecisions: number }) =>
      out(
        await hub().call('models.rollout', {
          siteId: o.site,
          packageId: int(id),
          stage: o.stage,
          canaryPercent: o.percent,
          deviceIds: o.devices ? o.devices.split(',').map(int) : null,
          margin: o.margin,
          minDecisions: o.minDecisions,
        }),
      ),
    );
  models
    .command('promote <rolloutId>')
    .description('Move a rollout to canary or stable')
    .requiredOption('--to <stage>', 'canary or stable')
    .option('--percent <n>', 'canary: share of documents (0-100)', num)
    .action(async (id: string, o: { to: 'shadow' | 'canary' | 'stable'; percent?: number }) =>
      out(await hub().call('models.promote', { rolloutId: int(id), stage: o.to, ...(o.percent !== undefined ? { canaryPercent: o.percent } : {}) })),
    );
  models
    .command('rollback <rolloutId>')
    .requiredOption('--reason <text>', 'why (kept with the rollout)')
    .action(async (id: string, o: { reason: string }) => out(await hub().call('models.rollback', { rolloutId: int(id), reason: o.reason })));
  models
    .command('rollouts')
    .description('Rollouts with their metrics (disagreement with reviewers and override rates of candidate and stable)')
    .option('--site <id>', 'site', int)
    .action(async (o: { site?: number }) => out(await hub().call('models.rollouts', o.site ? { siteId: o.site } : {})));
}
