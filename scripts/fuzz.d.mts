export interface FuzzResult {
  requests: number;
  answered: number;
  noErrorCode: number;
  serverErrors: number;
  transportErrors: number;
  refusedByClient: number;
  /** Redirects whose Location is neither this server nor an origin a reseller registered. */
  offOriginRedirects: number;
  /** Keyed retries of an API call answered otherwise than the first time. */
  replayMismatches: number;
  /** Exceptions of the fuzzer's own code (a bug in the fuzzer, not the server). */
  fuzzerErrors: number;
  crashed: boolean;
  cleanExit?: boolean;
  errorLogLines: number;
  errorLogExamples: string[];
  logLines: number;
  /** Orders this run stored (in the database after the server stopped). */
  storedOrders: number;
  /** Order numbers some !PlaceOrder answer acknowledged with errorCode=0. */
  acknowledgedOrders: number;
  /** Acknowledgements, replays included. */
  acknowledgements: number;
  /** Orders stored that no answer acknowledged: each is a finding. */
  unacknowledgedOrders: number;
  unacknowledgedExamples: Array<{ id: number; ap: string; email: string; requestId: string; createdAt: string }>;
  /** Acknowledged orders of live resellers missing from the database. */
  lostOrders: number;
  lostExamples: number[];
  /** Acknowledged orders of the sandbox reseller that !SandboxReset deleted. */
  sandboxOrdersReset: number;
  seed: number;
  seconds: number;
  /** Requests by scenario: hostile, order, page, reseller, sandbox, console, portal, echo. */
  scenarios: Record<string, number>;
  /**
   * Redirects to a reseller's page (success: errorCode=0; keyed: of a POST with an
   * Idempotency-Key), to the ordering page's receipt, between pages.
   */
  redirects: { success: number; error: number; keyed: number; receipt: number; page: number };
  idempotentReplays: number;
  /** Findings already reported and not fixed in src/ yet (KNOWN_FINDINGS), counted apart. */
  knownFindings: Record<string, number>;
  customersCreated: number;
  errorCodes: Record<string, number>;
  noErrorCodeBy: Record<string, number>;
  unknownErrorBy: Record<string, number>;
  rssMiB: { start: number; afterFirstBatch: number; end: number; max: number };
}

export function runFuzz(options?: {
  count?: number;
  db?: string;
  concurrency?: number;
  seed?: number;
  /** Another checkout whose build is fuzzed (its bin/ and dist/). */
  root?: string;
  log?: (s: string) => void;
  /** Runs once the server listens, before the first fuzz request. */
  beforeRun?: (base: string) => Promise<void>;
}): Promise<FuzzResult>;

/** The names of the findings that fail a run (empty: none). */
export function failuresOf(result: FuzzResult): string[];
