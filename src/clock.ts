// Time is injected: everything that depends on "now" takes a Clock, so tests move time.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start: Date | string = '2026-01-15T12:00:00Z') {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  set(at: Date | string): void {
    this.ms = new Date(at).getTime();
  }
  advanceDays(days: number): void {
    this.ms += days * 86_400_000;
  }
}

/** ISO-8601 UTC timestamp, as stored. */
export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}

/** YYYY-MM-DD of a UTC instant, as answered. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
