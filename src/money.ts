// Money is integer cents everywhere; these are the only conversions to and from decimal text.

/** 4899 → "48.99", -5 → "-0.05". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "123.45" → 12345; "7" → 700. Undefined unless the text is a plain amount with ≤ 2 decimals. */
export function parseCents(text: string): number | undefined {
  if (!/^[0-9]{1,12}(\.[0-9]{1,2})?$/.test(text)) return undefined;
  const [whole, frac = ''] = text.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}
