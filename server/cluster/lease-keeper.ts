// A node's lease on its directory membership: register, renew every heartbeat, and fence the node when
// the lease may be gone. The lease lives TTL = 3 heartbeats in Redis, so one late or failed renewal
// changes nothing. The node fences itself (stops redeeming tickets) when a renewal finds the lease gone or
// taken ('lease-lost'), or when no renewal has succeeded for a whole TTL counted from the moment the last
// good one was sent ('lease-expired': Redis may have expired it by now, measured on this process's
// monotonic clock, so a frozen process knows on waking). A fenced node registers again (a new epoch) as
// soon as Redis answers. Beats run one at a time.

import { performance } from 'node:perf_hooks';
import type { FenceReason } from './room-directory.js';

export type RenewOutcome = 'renewed' | 'lost' | 'failed';

export interface LeaseKeeperOptions<R extends { readonly epoch: number }> {
  readonly leaseTtlMs: number;
  readonly heartbeatMs: number;
  /** Registers (or registers again) the node: the registration (with its new epoch), or null on failure. */
  readonly register: () => Promise<R | null>;
  readonly renew: (epoch: number) => Promise<RenewOutcome>;
  /** After a registration, once the keeper holds the new epoch. */
  readonly onRegistered: (registration: R) => void;
  readonly onFenced: (epoch: number, reason: FenceReason) => void;
}

export class LeaseKeeper<R extends { readonly epoch: number }> {
  private currentEpoch = 0;
  private isFenced = true;
  /** Monotonic time after which the lease may have expired in Redis. */
  private deadline = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private beating: Promise<boolean> | null = null;
  private followUp: Promise<boolean> | null = null;

  constructor(private readonly options: LeaseKeeperOptions<R>) {}

  get epoch(): number {
    return this.currentEpoch;
  }

  get fenced(): boolean {
    return this.isFenced;
  }

  /** Starts the heartbeat; the first beat comes from beatNow() (when the connection is ready) or the timer. */
  start(): void {
    this.running = true;
    this.schedule(this.options.heartbeatMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.beating;
  }

  /**
   * True while the lease is surely held. Fences the node first if the local deadline has passed (checked
   * before every redeem, so a process that was frozen never trusts a lease it may have lost).
   */
  holdsLease(): boolean {
    if (!this.isFenced && performance.now() >= this.deadline) this.fence('lease-expired');
    return !this.isFenced;
  }

  /** Another call found the lease gone: fence now and register again at once. */
  leaseLost(epoch: number): void {
    if (epoch !== this.currentEpoch || this.isFenced) return;
    this.fence('lease-lost');
    void this.beatNow();
  }

  /** Runs a beat now (or right after the one in progress); resolves true if the node then holds its lease. */
  beatNow(): Promise<boolean> {
    if (!this.beating) {
      this.beating = this.beat().finally(() => {
        this.beating = null;
      });
      return this.beating;
    }
    // Callers arriving during a beat share one follow-up beat.
    this.followUp ??= this.beating.then(() => {
      this.followUp = null;
      return this.beatNow();
    });
    return this.followUp;
  }

  private async beat(): Promise<boolean> {
    if (!this.running) return false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      if (this.holdsLease()) {
        const sentAt = performance.now();
        const outcome = await this.options.renew(this.currentEpoch);
        if (outcome === 'renewed') this.deadline = sentAt + this.options.leaseTtlMs;
        else if (outcome === 'lost') this.fence('lease-lost');
        // 'failed': keep the lease until the deadline; holdsLease() fences after it.
      }
      if (this.isFenced && this.running) {
        const sentAt = performance.now();
        const registration = await this.options.register();
        if (registration !== null) {
          this.currentEpoch = registration.epoch;
          this.isFenced = false;
          this.deadline = sentAt + this.options.leaseTtlMs;
          this.options.onRegistered(registration);
        }
      }
      return this.holdsLease();
    } finally {
      if (this.running) this.schedule(this.options.heartbeatMs);
    }
  }

  private fence(reason: FenceReason): void {
    if (this.isFenced) return;
    this.isFenced = true;
    this.options.onFenced(this.currentEpoch, reason);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.beatNow(), delayMs);
    this.timer.unref();
  }
}
