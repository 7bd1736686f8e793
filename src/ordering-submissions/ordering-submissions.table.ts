/** The one-time nonce of an ordering-page form, claimed when the form is submitted. */
export interface OrderingSubmissionsTable {
  nonce: string;
  /** Null while the order is being placed. */
  order_id: number | null;
  created_at: string;
}
