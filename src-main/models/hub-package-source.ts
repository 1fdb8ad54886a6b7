import type { createClient } from '../../src-shared/contract/dispatch.ts';
import type { HubContract } from '../../src-shared/contract/hub.ts';
import type { SignedManifest } from '../../src-shared/model-package.ts';
import type { PackageSource } from './package-source.ts';

export type HubClient = ReturnType<typeof createClient<HubContract>>;

/** A package on the hub, downloaded in chunks (`models.manifest`, `models.chunk`). */
export class HubPackageSource implements PackageSource {
  constructor(
    private readonly hub: HubClient,
    readonly packageId: number,
    private readonly hubUrl: string,
  ) {}

  get where(): string {
    return `${this.hubUrl} (package ${this.packageId})`;
  }

  describe(): Promise<SignedManifest> {
    return this.hub.call('models.manifest', { packageId: this.packageId });
  }

  async chunk(file: string, offset: number, length: number): Promise<Buffer> {
    const r = await this.hub.call('models.chunk', { packageId: this.packageId, path: file, offset, length: Math.min(length, 4 * 1024 * 1024) });
    return Buffer.from(r.dataBase64, 'base64');
  }
}
