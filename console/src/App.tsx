/** The console shell: sign-in, the navigation the token's role allows, and hash routes to the pages. */
import { type FormEvent, useEffect, useState } from 'react';
import { roleOf, session, type Role } from './api';
import { AuditEventsPage, ExportsPage, ReconciliationPage, VerifyPage } from './pages/audit';
import { ModelsPage, PricesPage } from './pages/catalog';
import { TaskDetailPage, TaskLogPage } from './pages/tasks';
import { TenantsPage } from './pages/tenants';
import { TokensPage } from './pages/tokens';
import { UsagePage } from './pages/usage';
import { ErrorBox, Field } from './ui';

interface NavItem {
  path: string;
  label: string;
  roles: Role[];
}

const NAV: NavItem[] = [
  { path: 'tenants', label: 'Tenants', roles: ['admin'] },
  { path: 'tokens', label: 'Tokens', roles: ['admin'] },
  { path: 'models', label: 'Model mappings', roles: ['admin'] },
  { path: 'prices', label: 'Prices', roles: ['admin'] },
  { path: 'usage', label: 'Usage', roles: ['admin', 'auditor'] },
  { path: 'tasks', label: 'Task log', roles: ['admin'] },
  { path: 'reconciliation', label: 'Reconciliation', roles: ['admin', 'auditor'] },
  { path: 'audit', label: 'Audit events', roles: ['admin', 'auditor'] },
  { path: 'verify', label: 'Chain verification', roles: ['admin', 'auditor'] },
  { path: 'exports', label: 'Exports', roles: ['admin', 'auditor'] },
];

function useHashPath(): string {
  const read = () => decodeURIComponent(window.location.hash.replace(/^#\/?/, ''));
  const [path, setPath] = useState(read);
  useEffect(() => {
    const on = () => setPath(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return path;
}

function SignIn({ onSignedIn }: { onSignedIn: (token: string, role: Role) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const t = token.trim();
      onSignedIn(t, await roleOf(t));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form className="panel" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">arkgate console</h1>
        <p className="muted">Sign in with an admin or auditor token. It is kept for this browser session only.</p>
        <Field label="Admin or auditor token">
          {(id) => (
            <input
              id={id}
              name="token"
              type="password"
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              placeholder="oh-…"
              required
              autoFocus
            />
          )}
        </Field>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy || !token.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function Page({ path, role }: { path: string; role: Role }) {
  const [head, ...rest] = path.split('/');
  if (head === 'tasks' && rest.length > 0 && role === 'admin') return <TaskDetailPage id={rest.join('/')} />;
  switch (head) {
    case 'tenants':
      return <TenantsPage />;
    case 'tokens':
      return <TokensPage />;
    case 'models':
      return <ModelsPage />;
    case 'prices':
      return <PricesPage />;
    case 'usage':
      return <UsagePage role={role} />;
    case 'tasks':
      return <TaskLogPage />;
    case 'reconciliation':
      return <ReconciliationPage />;
    case 'audit':
      return <AuditEventsPage />;
    case 'verify':
      return <VerifyPage />;
    case 'exports':
      return <ExportsPage />;
    default:
      return null;
  }
}

export function App() {
  const [signedIn, setSignedIn] = useState(session.get());
  const path = useHashPath();
  useEffect(() => {
    // A token revoked while signed in: back to the sign-in form.
    const on = () => {
      session.clear();
      setSignedIn(null);
    };
    window.addEventListener('arkgate:unauthorized', on);
    return () => window.removeEventListener('arkgate:unauthorized', on);
  }, []);
  if (!signedIn) {
    return (
      <SignIn
        onSignedIn={(token, role) => {
          session.set(token, role);
          setSignedIn({ token, role });
          window.location.hash = role === 'admin' ? '#/tenants' : '#/audit';
        }}
      />
    );
  }
  const items = NAV.filter((n) => n.roles.includes(signedIn.role));
  const head = path.split('/')[0];
  const current = items.find((n) => n.path === head) ?? items[0];
  const shown = items.some((n) => n.path === head) ? path : current.path;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span className="brand">arkgate</span>
        <span className="role">Signed in as {signedIn.role}</span>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            session.clear();
            setSignedIn(null);
            window.location.hash = '';
          }}
        >
          Sign out
        </button>
      </header>
      <nav className="sidebar" aria-label="Console">
        <ul>
          {items.map((n) => (
            <li key={n.path}>
              <a href={`#/${n.path}`} aria-current={n.path === current.path ? 'page' : undefined}>
                {n.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Page key={shown} path={shown} role={signedIn.role} />
      </main>
    </div>
  );
}
