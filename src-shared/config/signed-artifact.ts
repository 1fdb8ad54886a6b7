/** What the hub signs of an artifact: its identity and the SHA-256 of its canonical content (the device checks both). */
export const signedArtifactFields = (a: { kind: string; name: string; version: number; sha256: string }) => ({ kind: a.kind, name: a.name, version: a.version, sha256: a.sha256 });
