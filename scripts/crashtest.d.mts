export interface CrashtestResult {
  seconds: number;
  kills: number;
  placeAttempts: number;
  placeRetries: number;
  refusedOrders: Record<string, number>;
  authorizeAnswers: Record<string, number>;
  restartMs: { count: number; median: number; max: number };
  integrityCheck?: string;
  ordersInDatabase: number;
  acknowledgedOrders: number;
  acknowledgedAuthorizations: number;
  debits: number;
  debitedCents: number;
  duplicatedOrders: number;
  lostOrders: number;
  doubleDebits: number;
  problems: string[];
  ok: boolean;
}

export function runCrashtest(options?: {
  seconds?: number;
  minKills?: number;
  db?: string;
  clients?: number;
  log?: (s: string) => void;
}): Promise<CrashtestResult>;
