/**
 * Masks secret values in any text the connector prints. Secrets may reach text raw (an error message)
 * or JSON-escaped (inside a serialized message), so both spellings are masked.
 */
export type Redactor = (text: string) => string;

export const MASK = '**********';

export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = new Set<string>();
  for (const secret of secrets) {
    // Very short values would mask ordinary text everywhere and protect nothing.
    if (secret.length < 4) continue;
    needles.add(secret);
    needles.add(JSON.stringify(secret).slice(1, -1));
  }
  if (needles.size === 0) return (text) => text;
  const list = [...needles];
  return (text) => {
    let masked = text;
    for (const needle of list) if (masked.includes(needle)) masked = masked.split(needle).join(MASK);
    return masked;
  };
}
