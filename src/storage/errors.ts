// Storage failures as plain messages: what failed, where, and what to do (conventions.md, "Errors
// that reach a person say what, where and what to do"). IndexedDB reports problems as DOMExceptions
// with terse names (QuotaExceededError, InvalidStateError, …); nobody should ever see those raw.

import type { BrowserGlobals } from './dom.d.ts';

export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    /** What failed: "Saving data set “My ETFs”". */
    readonly what: string,
    /** Where: "this browser's storage for this site (IndexedDB database helix-datasets)". */
    readonly where: string,
    /** Why, in plain words. */
    readonly why: string,
    /** What to do about it. */
    readonly action: string,
    /** The original error, kept for the console. */
    readonly original?: unknown,
  ) {
    super(`${what} failed: ${why} (${where}). ${action}`);
  }
}

function errorName(err: unknown): string {
  if (err && typeof err === 'object' && 'name' in err && typeof (err as { name: unknown }).name === 'string') {
    return (err as { name: string }).name;
  }
  return '';
}

function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

/** Is this the browser saying the site's storage quota is used up? */
export function isQuotaError(err: unknown): boolean {
  const name = errorName(err);
  // Old Firefox used NS_ERROR_DOM_QUOTA_REACHED; legacy WebKit used code 22.
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
    (err instanceof DOMException && err.code === 22);
}

/**
 * Wraps any failure of an IndexedDB operation into a StorageError with a message a person can act
 * on. `what` names the operation ("Saving data set “SPY”"), `dbName` the database involved.
 */
export function toStorageError(err: unknown, what: string, dbName: string): StorageError {
  if (err instanceof StorageError) return err;
  const where = `this browser's storage for this site (IndexedDB database “${dbName}”)`;
  // A transaction aborted without a reason (tx.error is null) rejects with null.
  const name = err == null ? 'AbortError' : errorName(err);
  if (!(globalThis as unknown as BrowserGlobals).indexedDB) {
    return new StorageError(what, where, 'this browser gives the page no IndexedDB (private browsing, or site data is blocked)',
      'Allow site data for this page in the browser settings, or open it in a normal window; until then nothing can be kept across a reload.', err);
  }
  if (isQuotaError(err)) {
    return new StorageError(what, where, 'the storage space the browser allows this site is full',
      'Delete data sets you no longer need (Data screen, “Stored data sets”), or allow this site more space in the browser settings, then try again. Nothing was changed.', err);
  }
  switch (name) {
    case 'InvalidStateError':
    case 'UnknownError':
      return new StorageError(what, where, `the browser could not open its database (${name}: ${errorMessage(err)})`,
        'Reload the page; if it keeps happening, the browser may be in private mode or low on disk space. Nothing was changed.', err);
    case 'VersionError':
      return new StorageError(what, where, 'a newer version of Helix has changed the stored data',
        'Reload this page to get the newer version. Nothing was changed.', err);
    case 'DataCloneError':
      return new StorageError(what, where, `the data could not be stored as is (${errorMessage(err)})`,
        'This is a bug in Helix: please report it with the files you imported. Nothing was changed.', err);
    case 'AbortError':
      return new StorageError(what, where, 'the browser aborted the write',
        'Try again; if it keeps happening, free disk space or allow this site more storage. Nothing was changed.', err);
    default:
      return new StorageError(what, where, errorMessage(err) || 'an unknown storage error',
        'Reload the page and try again. Nothing was changed.', err);
  }
}
