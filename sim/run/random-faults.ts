import type { TimedFault } from '../nemesis.js';
import type { RandomStream } from '../random.js';
import type { Micros } from '../time.js';

/**
 * A fault schedule drawn from a stream: every 0.5–2.5 s one of partition (random groups),
 * isolate a node, crash a node, restart a crashed one, or heal. Keeps at most a minority
 * crashed, so that progress stays possible between faults.
 */
export function drawFaults(
  random: RandomStream,
  servers: number,
  durationMicros: Micros,
): TimedFault[] {
  const faults: TimedFault[] = [];
  const down = new Set<number>();
  for (
    let at = random.int(500_000, 2_500_000);
    at < durationMicros;
    at += random.int(500_000, 2_500_000)
  ) {
    const roll = random.int(0, 99);
    if (roll < 30) {
      const order = random.shuffle(Array.from({ length: servers }, (_, i) => i));
      const cut = random.int(1, servers - 1);
      faults.push({
        at,
        step: { kind: 'partition', groups: [order.slice(0, cut), order.slice(cut)] },
      });
    } else if (roll < 45) {
      faults.push({ at, step: { kind: 'isolate', node: random.int(0, servers - 1) } });
    } else if (roll < 65 && down.size < Math.floor((servers - 1) / 2)) {
      const node = random.pick(
        Array.from({ length: servers }, (_, i) => i).filter((i) => !down.has(i)),
      );
      down.add(node);
      faults.push({ at, step: { kind: 'crash', node } });
    } else if (roll < 85 && down.size > 0) {
      const node = random.pick([...down].sort((a, b) => a - b));
      down.delete(node);
      faults.push({ at, step: { kind: 'restart', node } });
    } else {
      faults.push({ at, step: { kind: 'heal' } });
    }
  }
  return faults;
}
