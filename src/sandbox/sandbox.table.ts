export interface SandboxClocksTable {
  reseller_id: number;
  /** How far the reseller's clock runs ahead of real time. */
  offset_seconds: number;
  updated_at: string;
}
