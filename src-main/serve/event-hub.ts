/** Engine-side notifications the UI listens to (the `listen` half of the preload); one channel name, one plain payload. */
export class EventHub {
  private readonly listeners = new Set<(channel: string, payload: unknown) => void>();

  on(listener: (channel: string, payload: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(channel: string, payload: unknown): void {
    for (const l of this.listeners) l(channel, payload);
  }
}
