import { z } from 'zod';
import { DocTypeSchema } from '../document-model.ts';
import { mutation, query, type HandlersOf } from './define.ts';
import { engineContract } from './index.ts';
import { TaskStatusSchema } from './tasks.ts';

/** What the queue can be narrowed to; saved filters store exactly this. */
export const QueueFilterSchema = z.object({
  status: TaskStatusSchema.optional(),
  docType: DocTypeSchema.optional(),
  reason: z.string().max(200).optional(),
  vendor: z.string().max(200).optional(),
  minTotal: z.number().optional(),
  maxTotal: z.number().optional(),
  /** Age of the task in hours. */
  minAgeHours: z.number().min(0).optional(),
  maxAgeHours: z.number().min(0).optional(),
});
export type QueueFilter = z.infer<typeof QueueFilterSchema>;

export const SavedFilterSchema = z.object({ name: z.string().min(1).max(100), filter: QueueFilterSchema });
export type SavedFilter = z.infer<typeof SavedFilterSchema>;

export const ThemeSchema = z.enum(['system', 'light', 'dark']);

export const UiSettingsSchema = z.object({
  /** Who the decisions are recorded as. */
  actor: z.string().min(1).max(200),
  theme: ThemeSchema,
  /** Overrides of the default key map: action -> key (as KeyboardEvent.key, with "Ctrl+" / "Shift+" prefixes). */
  keymap: z.record(z.string(), z.string().min(1).max(40)),
  /** A folder whose new files are imported as they appear; null when off. */
  watchFolder: z.string().max(1000).nullable(),
  /** Hub connection (the hub issue fills this in); null when not connected. */
  hubUrl: z.string().max(1000).nullable(),
});
export type UiSettings = z.infer<typeof UiSettingsSchema>;

export const DEFAULT_UI_SETTINGS: UiSettings = { actor: 'reviewer', theme: 'system', keymap: {}, watchFolder: null, hubUrl: null };

export const WatchStatusSchema = z.object({
  folder: z.string().nullable(),
  processed: z.number().int(),
  failed: z.number().int(),
  lastFile: z.string().nullable(),
  error: z.string().nullable(),
});

/** Calls only the desktop UI needs; served next to the engine by each transport (src-main/serve). */
export const uiContract = {
  'ui.settings': query('The reviewer-facing settings: who decides, theme, key map, watched folder, hub.', z.object({}), UiSettingsSchema),
  'ui.saveSettings': mutation(
    'Change some settings; a new watched folder starts being watched at once.',
    UiSettingsSchema.partial(),
    UiSettingsSchema,
  ),
  'ui.filters': query('The saved queue filters, by name.', z.object({}), z.object({ items: z.array(SavedFilterSchema) })),
  'ui.saveFilter': mutation('Save (or replace) a named queue filter.', SavedFilterSchema, z.object({ items: z.array(SavedFilterSchema) })),
  'ui.deleteFilter': mutation('Delete a named queue filter.', z.object({ name: z.string().min(1).max(100) }), z.object({ items: z.array(SavedFilterSchema) })),
  'ui.watchStatus': query('What the watched folder has imported so far.', z.object({}), WatchStatusSchema),
};

/** Everything the renderer can call: the engine's contract and the UI's own. */
export const appContract = { ...engineContract, ...uiContract };
export type AppContract = typeof appContract;
export type UiHandlers = HandlersOf<typeof uiContract>;
export type AppHandlers = HandlersOf<AppContract>;
