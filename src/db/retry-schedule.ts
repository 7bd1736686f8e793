// The retry schedule of the outboxes (webhook deliveries, email messages): after the n-th
// failed attempt the next one waits schedule[n-1]; past the schedule's end the work has failed.

/** When the attempt after `attempts` failed ones is due, or undefined when the schedule is spent. */
export function nextAttemptAt(schedule: readonly number[], attempts: number, at: Date): string | undefined {
  const wait = schedule[attempts - 1];
  return wait === undefined ? undefined : new Date(at.getTime() + wait * 1000).toISOString();
}
