// Typed app-wide context (the svelte.dev pattern): the shell creates one AppState and one Router
// and every screen reads them with getAppState() / getRouter(). No module-level globals, so a
// test or a second mount gets its own state.
import { createContext } from 'svelte';
import type { AppState } from './state.svelte.ts';
import type { Router } from './router.svelte.ts';

export const [getAppState, setAppState] = createContext<AppState>();
export const [getRouter, setRouter] = createContext<Router>();
