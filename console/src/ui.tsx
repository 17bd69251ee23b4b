/** Small pieces every page uses: loading, empty and error states, fields, pagers, and a data hook. */
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from './api';

export function describe(err: unknown): { message: string; code: string; status: number } {
  if (err instanceof ApiError) return { message: err.problem.message, code: err.problem.code, status: err.problem.status };
  return { message: err instanceof Error ? err.message : String(err), code: '', status: 0 };
}

/** An API error as the API states it: message, code and HTTP status. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const e = describe(error);
  return (
    <div className="error" role="alert">
      <strong>{e.message}</strong>
      {(e.code || e.status) && <span className="error-meta"> ({[e.code, e.status ? `HTTP ${e.status}` : ''].filter(Boolean).join(', ')})</span>}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Field(props: { label: string; children: (id: string) => ReactNode; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id)}
      {props.hint && <small className="hint">{props.hint}</small>}
    </div>
  );
}

export function TextField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  placeholder?: string;
  hint?: string;
  required?: boolean;
  name?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint}>
      {(id) => (
        <input
          id={id}
          name={props.name}
          type={props.type ?? 'text'}
          value={props.value}
          placeholder={props.placeholder}
          required={props.required}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

export function SelectField(props: { label: string; value: string; onChange: (v: string) => void; options: Array<[string, string]>; name?: string }) {
  return (
    <Field label={props.label}>
      {(id) => (
        <select id={id} name={props.name} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          {props.options.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Pages of a list held in the browser. */
export function Pager(props: { page: number; pages: number; onPage: (p: number) => void; label: string }) {
  if (props.pages <= 1) return null;
  return (
    <nav className="pager" aria-label={`${props.label} pages`}>
      <button type="button" onClick={() => props.onPage(props.page - 1)} disabled={props.page <= 1}>
        Previous
      </button>
      <span>
        Page {props.page} of {props.pages}
      </span>
      <button type="button" onClick={() => props.onPage(props.page + 1)} disabled={props.page >= props.pages}>
        Next
      </button>
    </nav>
  );
}

/** Loads data for a page; `reload` refetches after a write. */
/** Newer / Older over cursor pages: `cursors` holds the cursor of every page seen so far (null: the first). */
export function CursorPager(props: {
  label: string;
  cursors: Array<string | null>;
  onCursors: (c: Array<string | null>) => void;
  next: string | null | undefined;
}) {
  const { cursors, onCursors, next } = props;
  return (
    <nav className="pager" aria-label={props.label}>
      <button type="button" disabled={cursors.length <= 1} onClick={() => onCursors(cursors.slice(0, -1))}>
        Newer
      </button>
      <span>Page {cursors.length}</span>
      <button type="button" disabled={!next} onClick={() => next && onCursors([...cursors, next])}>
        Older
      </button>
    </nav>
  );
}

export function useData<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  // The caller's deps say when `load` changes.
  const run = useCallback(load, deps);
  const lastRun = useRef(run);
  useEffect(() => {
    let live = true;
    // New filters or a new page: show the loading state. A reload after a write keeps the rows on screen.
    const fresh = lastRun.current !== run;
    lastRun.current = run;
    setState((s) => ({ data: fresh ? undefined : s.data, loading: true, error: undefined }));
    run().then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [run, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

export function Json({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}
