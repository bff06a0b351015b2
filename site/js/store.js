// The last main snapshot the painter drew, for modules that need it between paints.
let snapshot = null;
export const last = () => snapshot;
export function remember(p) {
  snapshot = p;
}
