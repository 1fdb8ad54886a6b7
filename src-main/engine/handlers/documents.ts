import path from 'node:path';
import { ApiError } from '../../../src-shared/contract/dispatch.ts';
import { renderPageImage } from '../../text/index.ts';
import type { EngineHandlerMap } from './context.ts';

/** Documents: bring them in (the pipeline writes through the door), list them, show what was recorded. */
export const documents = {
  'documents.process': async ({ paths, actor }, engine) => ({ results: await engine.pipeline.processPaths(paths, actor) }),
  'documents.upload': async ({ files, actor }, engine) => ({
    results: await engine.pipeline.processSources(
      files.map((f) => ({ kind: 'bytes' as const, name: path.basename(f.name), bytes: Buffer.from(f.dataBase64, 'base64') })),
      actor,
    ),
  }),
  'documents.list': async (q, engine) => engine.docs.list(q),
  'documents.get': async ({ id }, engine) => {
    const detail = engine.docs.detail(id);
    if (!detail) throw new ApiError('not_found', `No document ${id}`);
    return { ...detail, sensitiveFields: engine.sensitiveFields() };
  },
  'documents.pageImage': async ({ id, page, maxWidth }, engine) => {
    const doc = engine.docs.summary(id);
    if (!doc?.sha256 || !doc.mime || !engine.blobs.has(doc.sha256)) throw new ApiError('not_found', `No stored pages for document ${id}`);
    // A standalone XML e-invoice has no printed page: the UI shows its structured data instead.
    if (doc.mime === 'application/xml') throw new ApiError('not_found', `Document ${id} is an XML e-invoice without a printed page`);
    const img = await renderPageImage({ bytes: new Uint8Array(engine.blobs.get(doc.sha256)), mime: doc.mime as 'application/pdf' }, page, maxWidth);
    return { mime: 'image/png' as const, dataBase64: img.png.toString('base64'), width: img.width, height: img.height };
  },
  'documents.text': async ({ id }, engine) => {
    if (!engine.docs.summary(id)) throw new ApiError('not_found', `No document ${id}`);
    return { text: engine.docs.pages(id).map((p) => p.text).join('\f\n') };
  },
} satisfies Partial<EngineHandlerMap>;
