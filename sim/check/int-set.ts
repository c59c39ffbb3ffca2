/**
 * A set of 32-bit integers by open addressing in a typed array: text hashes are added and looked
 * up by the million on a long history, where a JavaScript Set of numbers (or of the texts) cost
 * more than the hashing.
 */
export class IntSet {
  /**
   * Values stored as value + 1 (so 0 marks a free slot); the value -1 is kept aside. Starts small
   * and doubles: a history of many keys makes a set per key, most holding a value or two.
   */
  private slots = new Int32Array(16);
  private count = 0;
  private hasMinusOne = false;

  add(value: number): void {
    if (value === -1) {
      this.hasMinusOne = true;
      return;
    }
    const stored = (value + 1) | 0;
    const mask = this.slots.length - 1;
    let slot = mix(stored) & mask;
    for (; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.slots[slot] === stored) return;
    }
    this.slots[slot] = stored;
    if (2 * ++this.count > this.slots.length) this.grow();
  }

  has(value: number): boolean {
    if (value === -1) return this.hasMinusOne;
    const stored = (value + 1) | 0;
    const mask = this.slots.length - 1;
    for (let slot = mix(stored) & mask; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.slots[slot] === stored) return true;
    }
    return false;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * old.length);
    const mask = this.slots.length - 1;
    for (const stored of old) {
      if (stored === 0) continue;
      let slot = mix(stored) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = stored;
    }
  }
}

/** Spreads a value's bits over the low bits, which pick the slot. */
function mix(value: number): number {
  const h = Math.imul(value, 0x9e3779b1);
  return h ^ (h >>> 16);
}
