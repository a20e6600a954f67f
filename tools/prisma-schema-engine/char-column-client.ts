// The schema engine's introspection reads catalog columns of PostgreSQL's one-byte
// `"char"` type (OID 18: pg_constraint.contype, pg_class.relkind, ...) and expects them
// as single characters. @prisma/adapter-pg knows no column type for OID 18 and fails
// the whole query ("Column type 'char' could not be deserialized from the database").
//
// pg already hands such values over as one-character strings. This client relabels
// those columns as `text`, so adapter-pg accepts them, and remembers which columns they
// were; the adapter (pg-adapter-factory.ts) then reports them as Character columns.
import pg from 'pg';

const CHAR_OID = 18;
const TEXT_OID = 25;

/**
 * Keyed by the result's rows array, which adapter-pg passes on as the `rows` of its
 * result set unchanged: no bookkeeping to clean up, nothing shared between queries.
 */
const charColumnsByRows = new WeakMap<object, number[]>();

/** Indexes of the `"char"` columns of the result set these rows came with. */
export function charColumnIndexes(rows: unknown[]): number[] {
  return charColumnsByRows.get(rows) ?? [];
}

/** Relabels `"char"` columns as `text`, in one result or in each result of a multi-statement query. */
export function relabelCharColumns<T>(result: T): T {
  const results: unknown[] = Array.isArray(result) ? result : [result];
  for (const one of results) {
    const { fields, rows } = (one ?? {}) as Partial<pg.QueryResult>;
    if (!fields || !rows) continue;
    const indexes: number[] = [];
    fields.forEach((field, index) => {
      if (field.dataTypeID !== CHAR_OID) return;
      field.dataTypeID = TEXT_OID;
      indexes.push(index);
    });
    if (indexes.length > 0) charColumnsByRows.set(rows, indexes);
  }
  return result;
}

export class CharColumnClient extends pg.Client {
  // pg's query() is one function behind many overloads (promise, callback, submittable
  // stream); this override serves all of them at run time, hence the loose signature.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const base = super.query as (...queryArgs: unknown[]) => unknown;
    const last: unknown = args[args.length - 1];
    if (typeof last === 'function') {
      // pg.Pool#query always uses the callback form.
      const callback = last as (error: Error | null, result?: unknown) => void;
      args[args.length - 1] = (error: Error | null, result?: unknown) =>
        callback(error, error ? result : relabelCharColumns(result));
      return base.apply(this, args);
    }
    const returned = base.apply(this, args);
    if (returned instanceof Promise) return returned.then(relabelCharColumns);
    return returned;
  }
}
