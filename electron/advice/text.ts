/** Small text helpers for advice wording. */

/** `a, b, c and 3 more`. */
export function list(items: readonly string[], max = 4): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
