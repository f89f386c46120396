import { useEffect } from 'react';
import { CredentialsScreen } from './components/CredentialsScreen.js';
import { DiagnoseScreen } from './components/DiagnoseScreen.js';
import { HistoryScreen } from './components/HistoryScreen.js';
import { BundleDropTarget } from './components/BundleImport.js';
import { ProfilesScreen } from './components/ProfilesScreen.js';
import { SettingsScreen } from './components/SettingsScreen.js';
import { SweepScreen } from './components/SweepScreen.js';
import { historyActions } from './stores/historyStore.js';
import { profilesActions } from './stores/profilesStore.js';
import { settingsActions, usePrivilege } from './stores/settingsStore.js';
import { useScreen, useUiActions, type Screen } from './stores/uiStore.js';

const NAV: { screen: Screen; label: string }[] = [
  { screen: 'diagnose', label: 'Diagnose a host' },
  { screen: 'credentials', label: 'Credentials' },
  { screen: 'sweep', label: 'Sweep' },
  { screen: 'profiles', label: 'Profiles' },
  { screen: 'history', label: 'History' },
  { screen: 'settings', label: 'Settings' },
];

export function App() {
  const screen = useScreen();
  const { navigate } = useUiActions();
  const privilege = usePrivilege();

  useEffect(() => {
    // Profiles first: the first screen needs the picker. The 'ready' marker (measured by
    // scripts/measure-ui.ts and waited for by the e2e fixtures) goes up once they are in.
    void profilesActions.load().then(() => {
      document.getElementById('root')?.setAttribute('data-ready', 'true');
      performance.mark('scanready:ready');
    });
    void settingsActions.load();
    void historyActions.load();
  }, []);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          ScanReady
          <small>Will the scanner see this host?</small>
        </div>
        {NAV.map((n) => (
          <button
            key={n.screen}
            type="button"
            className="nav-btn"
            aria-current={screen === n.screen ? 'page' : undefined}
            onClick={() => navigate(n.screen)}
          >
            {n.label}
          </button>
        ))}
        <div className="sidebar-foot">
          {privilege ? (privilege.rawSockets ? 'Raw sockets: yes' : 'Raw sockets: no (fallback probes)') : ''}
        </div>
      </nav>
      <main id="main" data-screen={screen}>
        {screen === 'diagnose' ? <DiagnoseScreen /> : null}
        {screen === 'credentials' ? <CredentialsScreen /> : null}
        {screen === 'sweep' ? <SweepScreen /> : null}
        {screen === 'profiles' ? <ProfilesScreen /> : null}
        {screen === 'history' ? <HistoryScreen /> : null}
        {screen === 'settings' ? <SettingsScreen /> : null}
      </main>
      <BundleDropTarget />
    </div>
  );
}
