import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ActiveConfigList } from './ActiveConfigList.tsx';

describe('Settings: the routing configuration in use', () => {
  it('names each version and where it came from, and the last refusal', () => {
    const config = { source: { policy: 'hub' as const, ruleSet: 'bundled' as const, templates: 'hub' as const }, policy: 'hub:berlin@2', ruleSet: '2026.12.1', templates: ['acme@1', 'oyo@3'] };
    const html = renderToStaticMarkup(<ActiveConfigList config={config} refusal="Refused policy berlin version 3: its signature is not from the hub this device enrolled with" />);
    expect(html).toContain('hub:berlin@2 (assigned by the hub)');
    expect(html).toContain('2026.12.1 (bundled with the app)');
    expect(html).toContain('acme@1, oyo@3 (assigned by the hub)');
    expect(html).toContain('Refused policy berlin version 3');
  });

  it('shows nothing before the engine can say', () => {
    expect(renderToStaticMarkup(<ActiveConfigList config={null} refusal={null} />)).toBe('');
  });
});
