import type { ActiveConfig } from '../../src-shared/contract/hub.ts';

const from = (source: 'hub' | 'bundled') => (source === 'hub' ? 'assigned by the hub' : 'bundled with the app');

/** Settings → Hub: the policy, rule set and vendor templates the next document is routed with. */
export function ActiveConfigList({ config, refusal }: { config: ActiveConfig | null | undefined; refusal: string | null | undefined }) {
  if (!config) return null;
  return (
    <>
      <h3>Routing configuration in use</h3>
      <dl data-testid="active-config">
        <dt>Policy</dt>
        <dd data-testid="active-policy">
          {config.policy} ({from(config.source.policy)})
        </dd>
        <dt>Rule set</dt>
        <dd data-testid="active-rule-set">
          {config.ruleSet} ({from(config.source.ruleSet)})
        </dd>
        <dt>Vendor templates</dt>
        <dd data-testid="active-templates">
          {config.templates.join(', ') || 'none'} ({from(config.source.templates)})
        </dd>
        {refusal && (
          <>
            <dt>Last configuration refused</dt>
            <dd className="error" data-testid="config-refusal">
              {refusal}
            </dd>
          </>
        )}
      </dl>
    </>
  );
}
