import { migration001 } from './001-initial.ts';
import { migration002 } from './002-sync.ts';
import { migration003 } from './003-page-alternate.ts';
import { migration004 } from './004-page-ocr-model.ts';
import { migration005 } from './005-einvoices.ts';
import { migration006 } from './006-residency-store.ts';
import { migration007 } from './007-current-fields.ts';
import { migration008 } from './008-hub-config.ts';
import { migration009 } from './009-model-packages.ts';
import { migration010 } from './010-metrics.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered, append-only: never edit a shipped migration, add the next one. */
export const migrations: Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010];
