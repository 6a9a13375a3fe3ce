/**
 * Masks secret values in any text the connector prints. Secrets may reach text raw (an error message)
 * or JSON-escaped (inside a serialized message), and in any letter case (a server or proxy may echo
 * a token upper-cased), so every spelling is masked: one case-insensitive pattern, built once.
 */
export type Redactor = (text: string) => string;

export const MASK = '**********';

const SPECIAL = /[.*+?^${}()|[\]\\]/g;

function escapeForPattern(text: string): string {
  return text.replace(SPECIAL, '\\$&');
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = new Set<string>();
  for (const secret of secrets) {
    // Very short values would mask ordinary text everywhere and protect nothing.
    if (secret.length < 4) continue;
    needles.add(secret);
    needles.add(JSON.stringify(secret).slice(1, -1));
  }
  if (needles.size === 0) return (text) => text;
  // Longest first, so a secret that contains another is masked whole.
  const alternatives = [...needles].sort((a, b) => b.length - a.length).map(escapeForPattern);
  const pattern = new RegExp(alternatives.join('|'), 'giu');
  return (text) => text.replace(pattern, MASK);
}
