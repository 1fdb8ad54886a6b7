import type { Box, Word } from '../../src-shared/document-model.ts';

export interface Highlight {
  box: Box;
  kind: 'field' | 'focus' | 'word';
  label?: string;
}

/**
 * A page image with boxes drawn over it, optionally cropped to a region. Everything is placed in
 * percentages of the page, so no measuring is needed and the paint happens in one frame.
 */
export function PageView(props: {
  url: string;
  width: number;
  height: number;
  region?: Box | null;
  highlights?: Highlight[];
  words?: Word[];
  showText?: boolean;
  alt: string;
  zoom?: number;
  /** Scale down so the whole region fits this height (a CSS length). */
  fitHeight?: string;
}) {
  const r = props.region ?? [0, 0, 1, 1];
  const rw = r[2] - r[0];
  const rh = r[3] - r[1];
  const pct = (v: number) => `${v * 100}%`;
  return (
    <div
      className="page-view"
      style={{
        aspectRatio: `${rw * props.width} / ${rh * props.height}`,
        width: props.zoom ? `${props.zoom * 100}%` : props.fitHeight ? `min(100%, calc(${props.fitHeight} * ${(rw * props.width) / (rh * props.height)}))` : '100%',
      }}
      data-testid="page-view"
    >
      <div className="page-inner" style={{ width: pct(1 / rw), height: pct(1 / rh), left: pct(-r[0] / rw), top: pct(-r[1] / rh) }}>
        <img src={props.url} alt={props.alt} draggable={false} />
        {props.highlights?.map((h, i) => (
          <div
            key={i}
            className={`hl hl-${h.kind}`}
            title={h.label}
            style={{ left: pct(h.box[0]), top: pct(h.box[1]), width: pct(h.box[2] - h.box[0]), height: pct(h.box[3] - h.box[1]) }}
          />
        ))}
        {props.showText &&
          props.words?.map((w, i) => (
            <span key={i} className="word-overlay" style={{ left: pct(w.box[0]), top: pct(w.box[1]), width: pct(w.box[2] - w.box[0]), height: pct(w.box[3] - w.box[1]) }}>
              {w.text}
            </span>
          ))}
      </div>
    </div>
  );
}
