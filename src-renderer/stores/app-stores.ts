import { useStore } from 'zustand';
import { createAppClient } from '../api/client.ts';
import { createHubStore, type HubState } from './hub-store.ts';
import { createQueueStore, type QueueState } from './queue-store.ts';
import { browserImageLoader, createReviewStore, type ReviewState } from './review-store.ts';
import { createSettingsStore, type SettingsState } from './settings-store.ts';

/** The app's one client and its stores; screens read them through the hooks below. */
export const client = createAppClient();
export const settingsStore = createSettingsStore(client);
export const queueStore = createQueueStore(client);
export const hubStore = createHubStore(client);
export const reviewStore = createReviewStore({ client, queue: queueStore, actor: () => settingsStore.getState().settings.actor, loadImage: browserImageLoader });

export const useQueue = <T>(select: (s: QueueState) => T) => useStore(queueStore, select);
export const useReview = <T>(select: (s: ReviewState) => T) => useStore(reviewStore, select);
export const useSettings = <T>(select: (s: SettingsState) => T) => useStore(settingsStore, select);
export const useHub = <T>(select: (s: HubState) => T) => useStore(hubStore, select);
