// Browser types used by src/storage (and by the browser-side code of the tests), named in a
// declaration file on purpose. The unit tests that import src/storage are also type-checked by
// tsconfig.node.json, whose lib has no DOM (which keeps src/core free of browser APIs). Declaration
// files are skipped there (skipLibCheck), so these names degrade to `any` in that one check and stay
// exact in svelte-check, which has the DOM lib. Code reaches browser globals through
// `globalThis as unknown as BrowserGlobals` instead of naming them directly.
export type IdbDatabase = IDBDatabase;
export type IdbObjectStore = IDBObjectStore;
export type IdbRequest<T = unknown> = IDBRequest<T>;
export type IdbValidKey = IDBValidKey;
export type IdbKeyRange = IDBKeyRange;
export type IdbTransactionMode = IDBTransactionMode;
export type IdbTransaction = IDBTransaction;

export interface BrowserGlobals {
  /** Missing in some private modes, and in node without fake-indexeddb. */
  indexedDB?: IDBFactory;
  IDBKeyRange: typeof IDBKeyRange;
  navigator?: Navigator;
  document: Document;
  window: Window;
}
