import { useEffect } from 'react';
import { listen } from './api/client.ts';
import { hrefFor, useRoute, type Route } from './components/router.ts';
import { ActivityScreen } from './screens/ActivityScreen.tsx';
import { DocumentScreen } from './screens/DocumentScreen.tsx';
import { ImportScreen } from './screens/ImportScreen.tsx';
import { InsightsScreen } from './screens/InsightsScreen.tsx';
import { QueueScreen } from './screens/QueueScreen.tsx';
import { ReviewScreen } from './screens/ReviewScreen.tsx';
import { SettingsScreen } from './screens/SettingsScreen.tsx';
import { queueStore, settingsStore, useSettings } from './stores/app-stores.ts';

const NAV: { route: Route; label: string }[] = [
  { route: { screen: 'queue' }, label: 'Queue' },
  { route: { screen: 'review', taskId: null }, label: 'Review' },
  { route: { screen: 'import' }, label: 'Import' },
  { route: { screen: 'activity' }, label: 'Activity' },
  { route: { screen: 'insights' }, label: 'Insights' },
  { route: { screen: 'settings' }, label: 'Settings' },
];

/** Changes after which the queue may hold new tasks (the pipeline's stages are `documents.*`); a reviewer's own decisions patch it in place instead. */
const reloadsQueue = (call: string) => call.startsWith('documents.') || call === 'watch';

export function App() {
  const route = useRoute();
  const theme = useSettings((s) => s.settings.theme);

  useEffect(() => {
    void settingsStore.getState().load();
    void queueStore.getState().load();
    void queueStore.getState().loadSavedFilters();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offChanged = listen('changed', (payload) => {
      if (!reloadsQueue((payload as { call?: string }).call ?? '')) return;
      clearTimeout(timer);
      timer = setTimeout(() => void queueStore.getState().load(), 500);
    });
    // The desktop menu moves between screens.
    const offNavigate = listen('navigate', (hash) => {
      if (typeof hash === 'string' && hash.startsWith('#/')) window.location.hash = hash;
    });
    return () => {
      offChanged();
      offNavigate();
    };
  }, []);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Countersign</span>
        <nav aria-label="Screens">
          {NAV.map((n) => (
            <a key={n.label} href={hrefFor(n.route)} aria-current={route.screen === n.route.screen ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {route.screen === 'queue' && <QueueScreen />}
        {route.screen === 'review' && <ReviewScreen taskId={route.taskId} />}
        {route.screen === 'document' && <DocumentScreen id={route.id} />}
        {route.screen === 'import' && <ImportScreen />}
        {route.screen === 'activity' && <ActivityScreen />}
        {route.screen === 'insights' && <InsightsScreen />}
        {route.screen === 'settings' && <SettingsScreen />}
      </main>
    </div>
  );
}
