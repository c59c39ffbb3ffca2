import { assert, fail } from './assert.js';
import type { Delay, NetworkProfile } from './profiles.js';
import type { RandomStream } from './random.js';
import type { Micros } from './time.js';

/** What happens to one message: lost, or delivered after `delayMicros` (maybe twice). */
export const LOST = -1;

/**
 * A directed link's state, two bits. Up or down: what a down link carries is lost. Stalled or
 * flowing, independently: what reaches a stalled link waits there, in order, until the stall is
 * released (a connection whose reader stopped; a partition on top of it loses nothing already
 * waiting, as TCP would not). A flowing, up link is the common case: one compare.
 */
export const LINK_UP = 1;
export const LINK_STALLED = 2;

/**
 * When a link's state decides a message's fate; both rules check it when the message leaves.
 * - 'connection' (the default): again when it arrives. A link cut while a message is in flight
 *   loses it, as a broken TCP connection loses what it carried.
 * - 'labrpc': never again. labrpc checks a call's link when the request is sent and when the
 *   handler returns (here: when the reply is sent); whatever has left arrives, however late.
 * The rule concerns when a link is looked at, not which: a message always crosses its own
 * directed link (a reply crosses the link back to the caller).
 */
export type DeliveryRule = 'connection' | 'labrpc';
export const DELIVERY_RULES: readonly DeliveryRule[] = ['connection', 'labrpc'];
/** What a configuration that names no rule means (every repro written before rules existed). */
export const DEFAULT_DELIVERY: DeliveryRule = 'connection';

export function isDeliveryRule(text: unknown): text is DeliveryRule {
  return typeof text === 'string' && (DELIVERY_RULES as readonly string[]).includes(text);
}
/**
 * Links and per-message fate. Each directed link is up or down, so one-way partitions exist.
 * The fate of every message is drawn from the network stream under the current profile.
 * Counters follow labrpc: requests delivered per node, bytes of every request and reply sent.
 */
export class Network {
  /** Per directed link, its state bits (LINK_UP, LINK_STALLED). */
  private readonly links: Uint8Array;
  profile: NetworkProfile;
  /** Set by fate(): delay of a duplicate copy, or LOST when there is none. */
  duplicateDelay: Micros = LOST;

  readonly requestsDelivered: number[];
  requestBytes = 0;
  replyBytes = 0;
  messagesSent = 0;
  messagesLost = 0;

  constructor(
    readonly nodes: number,
    private readonly random: RandomStream,
    profile: NetworkProfile,
  ) {
    assert(Number.isSafeInteger(nodes) && nodes > 0, `network needs >= 1 node, got ${nodes}`);
    this.links = new Uint8Array(nodes * nodes).fill(LINK_UP);
    this.profile = profile;
    this.requestsDelivered = new Array<number>(nodes).fill(0);
  }

  isUp(from: number, to: number): boolean {
    return ((this.links[this.linkIndex(from, to)] as number) & LINK_UP) !== 0;
  }

  /** Both bits of the link's state (hot path: one lookup per message). */
  linkState(from: number, to: number): number {
    return this.links[from * this.nodes + to] as number;
  }

  /** Cuts (or restores) the one-way link from → to; a stall stays as it is. */
  setLink(from: number, to: number, isUp: boolean): void {
    const i = this.linkIndex(from, to);
    this.links[i] = ((this.links[i] as number) & LINK_STALLED) | (isUp ? LINK_UP : 0);
  }

  /** The one-way link from → to holds what it carries until the stalls are released. */
  stall(from: number, to: number): void {
    const i = this.linkIndex(from, to);
    this.links[i] = (this.links[i] as number) | LINK_STALLED;
  }

  /** True if some link is stalled. */
  hasStalls(): boolean {
    return this.links.some((state) => (state & LINK_STALLED) !== 0);
  }

  /** Every stalled link flows again (up or down as it was). */
  releaseStalls(): void {
    for (let i = 0; i < this.links.length; i++) this.links[i] = (this.links[i] as number) & LINK_UP;
  }

  /**
   * Among nodes below `domain` (every node by default), only nodes of the same group can talk;
   * one in no group is isolated. Links to and from nodes at or above `domain` (clients that every
   * side can reach) are left as they are.
   */
  partition(groups: readonly (readonly number[])[], domain: number = this.nodes): void {
    const groupOf = new Array<number>(this.nodes).fill(-1);
    groups.forEach((group, g) => {
      for (const node of group) {
        this.checkNode(node);
        assert(groupOf[node] === -1, `node ${node} is in two groups`);
        groupOf[node] = g;
      }
    });
    for (let a = 0; a < domain; a++) {
      for (let b = 0; b < domain; b++) {
        const i = a * this.nodes + b;
        const up = a === b || (groupOf[a] !== -1 && groupOf[a] === groupOf[b]);
        this.links[i] = ((this.links[i] as number) & LINK_STALLED) | (up ? LINK_UP : 0);
      }
    }
  }

  /** Cuts `node` off from every node below `domain` (every node by default), both ways. */
  isolate(node: number, domain: number = this.nodes): void {
    this.checkNode(node);
    for (let other = 0; other < domain; other++) {
      if (other === node) continue;
      this.setLink(node, other, false);
      this.setLink(other, node, false);
    }
  }

  /** Every link up again; stalls stay until released. */
  heal(): void {
    for (let i = 0; i < this.links.length; i++) this.links[i] = (this.links[i] as number) | LINK_UP;
  }

  /** Links that are down, as [from, to] pairs (for reports and summaries). */
  downLinks(): [number, number][] {
    const out: [number, number][] = [];
    for (let a = 0; a < this.nodes; a++) {
      for (let b = 0; b < this.nodes; b++) {
        if (!this.isUp(a, b)) out.push([a, b]);
      }
    }
    return out;
  }

  /**
   * Draws the fate of one message: LOST or a delay; sets duplicateDelay as a side result
   * (to stay allocation-free on the hot path). Counts its bytes as sent either way.
   */
  fate(isReply: boolean, bytes: number): Micros {
    const p = this.profile;
    this.messagesSent++;
    if (isReply) this.replyBytes += bytes;
    else this.requestBytes += bytes;
    this.duplicateDelay = LOST;
    if (this.random.perMille(isReply ? p.replyLossPerMille : p.requestLossPerMille)) {
      this.messagesLost++;
      return LOST;
    }
    const delay = this.delayOf(isReply);
    if (p.duplicatePerMille > 0 && this.random.perMille(p.duplicatePerMille)) {
      this.duplicateDelay = this.delayOf(isReply);
    }
    return delay;
  }

  private delayOf(isReply: boolean): Micros {
    const p = this.profile;
    if (p.longDelayPerMille > 0 && this.random.perMille(p.longDelayPerMille)) {
      return this.draw(p.longDelay);
    }
    if (isReply && p.longReorderPerMille > 0 && this.random.perMille(p.longReorderPerMille)) {
      // labrpc: 200 ms plus a uniform draw below a uniform bound below 2000 ms, skewed short.
      const bound = this.random.int(0, 2000);
      return 200_000 + this.random.int(0, bound) * 1000;
    }
    return this.draw(isReply ? p.replyDelay : p.requestDelay);
  }

  private draw(delay: Delay): Micros {
    switch (delay.kind) {
      case 'uniform':
        return this.random.int(delay.minMicros, delay.maxMicros);
      case 'exponential': {
        // Inverse CDF on a 1e6-step uniform; V8's Math.log is the same on every platform.
        const u = (this.random.int(0, 999_999) + 0.5) / 1_000_000;
        return Math.min(delay.capMicros, Math.round(-delay.meanMicros * Math.log(u)));
      }
    }
  }

  private linkIndex(from: number, to: number): number {
    this.checkNode(from);
    this.checkNode(to);
    return from * this.nodes + to;
  }

  private checkNode(node: number): void {
    if (!(Number.isInteger(node) && node >= 0 && node < this.nodes)) fail(`no node ${node}`);
  }
}
