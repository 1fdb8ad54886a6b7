import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { effectiveKeymap, REVIEW_ACTIONS } from '../review/keymap.ts';
import { HelpOverlay } from './HelpOverlay.tsx';
import { PageView } from './PageView.tsx';
import { parseRoute, hrefFor } from './router.ts';

describe('components', () => {
  it('the help overlay lists every review action with the key it is mapped to now', () => {
    const html = renderToStaticMarkup(<HelpOverlay keymap={effectiveKeymap({ approve: 'a' })} onClose={() => undefined} />);
    for (const a of REVIEW_ACTIONS) expect(html).toContain(a.label.replace(/&/g, '&amp;'));
    const table = html.slice(0, html.indexOf('</table>'));
    expect(table).toContain('<kbd>a</kbd>');
    expect(table).not.toContain('<kbd>Enter</kbd>');
    expect(html).toContain('role="dialog"');
  });

  it('a cropped page view places the page so the region fills the frame, and boxes in page percentages', () => {
    const html = renderToStaticMarkup(
      <PageView url="blob:x" width={1000} height={1400} region={[0, 0.5, 1, 0.75]} highlights={[{ box: [0.1, 0.6, 0.3, 0.62], kind: 'focus' }]} alt="page 1" />,
    );
    expect(html).toContain('aspect-ratio:1000 / 350');
    expect(html).toMatch(/height:400%/);
    expect(html).toMatch(/top:-200%/);
    expect(html).toMatch(/class="hl hl-focus" style="left:10%;top:60%;width:20%;height:2(\.\d+)?%"/);
    expect(html).toContain('alt="page 1"');
  });

  it('routes round-trip through the address, and unknown ones land on the queue', () => {
    for (const r of [{ screen: 'queue' }, { screen: 'review', taskId: 12 }, { screen: 'review', taskId: null }, { screen: 'document', id: 3 }, { screen: 'activity' }] as const) {
      expect(parseRoute(hrefFor(r))).toEqual(r);
    }
    expect(parseRoute('#/nowhere')).toEqual({ screen: 'queue' });
    expect(parseRoute('#/document/abc')).toEqual({ screen: 'queue' });
  });
});
