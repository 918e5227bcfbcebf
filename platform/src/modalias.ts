/**
 * Modalias pattern matching as Linux's modules.alias uses it (fnmatch): `*`
 * any run of characters, `?` one character, `[...]` a character class. Shared
 * by driverd's manifests and the nucleus's bridge modules.
 */
export function aliasMatches(pattern: string, alias: string): boolean {
  const re = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(alias);
}
