// Which screen is showing. Plain state, not the URL: the URL hash is reserved for share links,
// and a static host at any sub-path needs no server routes.
import { SCREENS, type ScreenId } from './screens.ts';

export class Router {
  current = $state<ScreenId>('data');
  /** Bumped on every user navigation; the shell moves keyboard focus to the new screen then. */
  navigations = $state(0);

  constructor(initial: ScreenId = 'data') {
    this.current = initial;
  }

  go(id: ScreenId): void {
    if (!SCREENS.some((s) => s.id === id)) return;
    this.current = id;
    this.navigations++;
  }
}
