// The names of the regime states, the same on every screen and in the CLI: states are ordered
// bull (0) … bear (K − 1) everywhere (method.md §3).

/** Name of state `s` of K: "Bull" and "Bear" at the ends, "Neutral" in the middle of three, else "State s+1". */
export function stateName(s: number, K: number): string {
  if (s === 0) return 'Bull';
  if (s === K - 1) return 'Bear';
  if (K === 3) return 'Neutral';
  return `State ${s + 1}`;
}
