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

/** The shortest piece of a secret masked on its own where `fragments` is asked for. */
export const FRAGMENT_CHARS = 8;

/**
 * A redactor for `secrets`. With `fragments`, every piece of a secret of FRAGMENT_CHARS characters or
 * more is masked too: for text a server wrote (an error body may echo part of the token). Records
 * use the whole-secret form, which costs one pattern match per line.
 */
export function createRedactor(secrets: readonly string[], { fragments = false } = {}): Redactor {
  const needles = new Set<string>();
  const add = (text: string) => {
    needles.add(text);
    needles.add(JSON.stringify(text).slice(1, -1));
  };
  for (const secret of secrets) {
    // Very short values would mask ordinary text everywhere and protect nothing.
    if (secret.length < 4) continue;
    add(secret);
    if (!fragments) continue;
    for (let length = FRAGMENT_CHARS; length < secret.length; length++) {
      for (let start = 0; start + length <= secret.length; start++) add(secret.slice(start, start + length));
    }
  }
  if (needles.size === 0) return (text) => text;
  // Longest first, so a secret that contains another is masked whole.
  const alternatives = [...needles].sort((a, b) => b.length - a.length).map(escapeForPattern);
  const pattern = new RegExp(alternatives.join('|'), 'giu');
  return (text) => text.replace(pattern, MASK);
}
