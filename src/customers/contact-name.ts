// The customer's name as an order's contact (orders.contact_json) or an account's details
// (customers.details_json) gave it: `name`, or first and last name. One reading for both.
export function contactName(contactJson: string): string {
  try {
    const c = JSON.parse(contactJson) as Record<string, string | undefined>;
    return c.name ?? [c.foreName, c.surName].filter((s) => s).join(' ');
  } catch {
    return '';
  }
}
