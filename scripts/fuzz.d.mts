export interface FuzzResult {
  requests: number;
  answered: number;
  noErrorCode: number;
  serverErrors: number;
  transportErrors: number;
  refusedByClient: number;
  crashed: boolean;
  cleanExit?: boolean;
  errorLogLines: number;
  logLines: number;
  seed: number;
  seconds: number;
  errorCodes: Record<string, number>;
  noErrorCodeBy: Record<string, number>;
  rssMiB: { start: number; afterFirstBatch: number; end: number; max: number };
}

export function runFuzz(options?: { count?: number; db?: string; concurrency?: number; seed?: number; log?: (s: string) => void }): Promise<FuzzResult>;
