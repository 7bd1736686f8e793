// Credentials never reach logs or the audit log. A parameter is a credential when its name
// speaks of a password or secret, whatever its case or item prefix.
const CREDENTIAL = /pass(word)?|secret|token/i;

export function isCredentialName(name: string): boolean {
  return CREDENTIAL.test(name);
}

/** The request's parameters for the audit log: first occurrence of each name, credentials removed. */
export function redactedParams(pairs: ReadonlyArray<{ name: string; value: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of pairs) {
    if (Object.hasOwn(out, name)) continue;
    out[name] = isCredentialName(name) ? '[removed]' : value;
  }
  return out;
}
