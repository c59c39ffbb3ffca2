import { expect } from 'chai';
import { DamagedBootError } from './host.js';
import { reliable } from './profiles.js';
import type { BootContext } from './program.js';
import { ProbeNode, probeProgram, type ProbeEffect, type ProbeMessage } from './testing/probe.js';
import type { TraceRecord } from './trace.js';
import { World } from './world.js';

/** A probe whose saved state is valid when its first byte equals its length (a toy checksum). */
function checkingProgram(checks: boolean) {
  return {
    ...probeProgram(),
    boot: (context: BootContext) => {
      const state = context.raftState;
      if (checks && state.length > 0 && state[0] !== state.length)
        throw new Error(`length byte ${state[0]} but ${state.length} bytes`);
      return new ProbeNode(context);
    },
    bootRefusal: (error: unknown) => (error instanceof Error ? error.message : null),
  };
}

function faultWorld(checks = true) {
  const world = new World({
    nodes: 3,
    seed: 7,
    profile: reliable,
    program: checkingProgram(checks),
  });
  const records: TraceRecord[] = [];
  world.trace.subscribe((r) => records.push(r));
  world.start();
  return { world, records, node: (i: number) => world.host(i).instance };
}

const save = (...bytes: number[]): ProbeEffect => ({
  kind: 'persist',
  raftState: Uint8Array.from(bytes),
  snapshot: null,
});
const request = (n: number): ProbeMessage => ({ type: 'request', n, body: [n] });
const sendTo = (to: number, n: number): ProbeEffect => ({ kind: 'send', to, message: request(n) });

describe('World: crash points inside an input', () => {
  it('the node dies after k effects of its next input; the rest never happens', () => {
    const { world, node, records } = faultWorld();
    world.applyFault({ kind: 'crashMidInput', node: 0, afterEffects: 1 });
    world.host(0).run(() => [save(2, 0), sendTo(1, 1), save(2, 1)]);
    world.scheduler.runUntilTime(10_000);
    expect(world.host(0).alive).to.equal(false);
    expect([...world.host(0).persister.readRaftState()]).to.deep.equal([2, 0]);
    expect(node(1)?.received).to.have.length(0);
    const crash = records.find((r) => r.kind === 'crash');
    expect(crash?.detail).to.match(/inside an input, before its effect send/);
  });

  it('k = 0 dies before the first effect; an input shorter than k is performed whole', () => {
    const early = faultWorld();
    early.world.applyFault({ kind: 'crashMidInput', node: 0, afterEffects: 0 });
    early.world.host(0).run(() => [save(2, 9)]);
    expect(early.world.host(0).persister.saves).to.equal(0);
    const late = faultWorld();
    late.world.applyFault({ kind: 'crashMidInput', node: 0, afterEffects: 5 });
    late.world.host(0).run(() => [save(2, 9), sendTo(1, 1)]);
    late.world.scheduler.runUntilTime(10_000);
    expect(late.world.host(0).alive).to.equal(false);
    expect(late.node(1)?.received).to.have.length(1);
  });

  it('a restart of a running node disarms the crash point it has not reached', () => {
    const { world } = faultWorld();
    world.applyFault({ kind: 'crashMidInput', node: 0, afterEffects: 0 });
    world.applyFault({ kind: 'restart', node: 0 });
    world.host(0).run(() => [save(2, 1)]);
    expect(world.host(0).alive).to.equal(true);
  });
});

describe('World: a crash at a save', () => {
  it('the node saves k more times, then dies as the next save is about to land', () => {
    const { world, node, records } = faultWorld();
    world.applyFault({ kind: 'crashAtSave', node: 0, saves: 1 });
    world.host(0).run(() => [sendTo(1, 1)]); // no save: nothing counts
    world.host(0).run(() => [save(2, 0), sendTo(1, 2), save(2, 1), sendTo(1, 3)]);
    world.scheduler.runUntilTime(10_000);
    expect(world.host(0).alive).to.equal(false);
    // The first save landed and the send after it left; the second save and what follows did not.
    expect([...world.host(0).persister.readRaftState()]).to.deep.equal([2, 0]);
    expect(
      node(1)
        ?.received.map((m) => m.message.n)
        .sort(),
    ).to.deep.equal([1, 2]);
    const crash = records.find((r) => r.kind === 'crash');
    expect(crash?.detail).to.match(/as a save was about to reach the disk/);
  });

  it('a restart of a running node disarms it; the liveness phase calms it', () => {
    const { world } = faultWorld();
    world.applyFault({ kind: 'crashAtSave', node: 0, saves: 0 });
    world.applyFault({ kind: 'restart', node: 0 });
    world.host(0).run(() => [save(2, 1)]);
    expect(world.host(0).alive).to.equal(true);
    world.applyFault({ kind: 'crashAtSave', node: 1, saves: 0 });
    world.calmMachines();
    world.host(1).run(() => [save(2, 1)]);
    expect(world.host(1).alive).to.equal(true);
  });
});

describe('World: slow disks', () => {
  it('a save takes its latency; what follows it and what arrives meanwhile wait, in order', () => {
    const { world, node } = faultWorld();
    world.applyFault({ kind: 'slowDisk', node: 0, maxMicros: 50_000 });
    world.host(0).run(() => [save(2, 1), sendTo(1, 1)]);
    expect(world.host(0).persister.saves).to.equal(0);
    world.host(2).run(() => [sendTo(0, 7)]);
    world.scheduler.runUntilTime(1_000);
    expect(node(0)?.received).to.have.length(0);
    world.scheduler.runUntilTime(100_000);
    expect(world.host(0).persister.saves).to.equal(1);
    expect(node(1)?.received.map((r) => r.message.n)).to.deep.equal([1]);
    const requests = node(0)?.received.filter((r) => r.message.type === 'request');
    expect(requests?.map((r) => r.message.n)).to.deep.equal([7]);
  });

  it('a crash before the save lands loses it; a fast disk again saves at once', () => {
    const { world } = faultWorld();
    world.applyFault({ kind: 'slowDisk', node: 0, maxMicros: 50_000 });
    world.host(0).run(() => [save(2, 1)]);
    world.crash(0);
    world.scheduler.runUntilTime(100_000);
    expect(world.host(0).persister.saves).to.equal(0);
    world.restart(0);
    world.applyFault({ kind: 'slowDisk', node: 0, maxMicros: 0 });
    world.host(0).run(() => [save(2, 2)]);
    expect(world.host(0).persister.saves).to.equal(1);
  });
});

describe('World: damaged saved state', () => {
  for (const damage of ['truncate', 'flip'] as const) {
    it(`a node refuses to boot on a state with a ${damage} and stays down; the trace says why`, () => {
      const { world, records } = faultWorld();
      world.host(1).run(() => [save(4, 1, 2, 3)]);
      world.applyFault({ kind: 'damage', node: 1, damage, file: 'state', wherePerMille: 0 });
      expect(world.host(1).alive).to.equal(false);
      world.applyFault({ kind: 'restart', node: 1 });
      expect(world.host(1).alive).to.equal(false);
      expect(records.some((r) => r.detail.startsWith('refuses to boot: length byte'))).to.equal(
        true,
      );
    });
  }

  it('a torn pair puts the newest state beside the snapshot saved before', () => {
    const { world } = faultWorld();
    const host = world.host(1);
    host.run(() => [{ kind: 'persist', raftState: Uint8Array.of(1), snapshot: Uint8Array.of(5) }]);
    host.run(() => [{ kind: 'persist', raftState: Uint8Array.of(1), snapshot: Uint8Array.of(6) }]);
    world.applyFault({ kind: 'damage', node: 1, damage: 'torn', file: 'state', wherePerMille: 0 });
    expect([...host.persister.readSnapshot()]).to.deep.equal([5]);
    expect(host.damaged).to.equal(true);
  });

  it('a copy of the same snapshot, saved after a reboot, does not hide the one before', () => {
    const { world } = faultWorld();
    const host = world.host(1);
    host.run(() => [{ kind: 'persist', raftState: Uint8Array.of(1), snapshot: Uint8Array.of(5) }]);
    host.run(() => [{ kind: 'persist', raftState: Uint8Array.of(1), snapshot: Uint8Array.of(6) }]);
    // As a rebooted Raft does: the snapshot it read back, a new array with the same bytes.
    host.run(() => [{ kind: 'persist', raftState: Uint8Array.of(1), snapshot: Uint8Array.of(6) }]);
    world.applyFault({ kind: 'damage', node: 1, damage: 'torn', file: 'state', wherePerMille: 0 });
    expect([...host.persister.readSnapshot()]).to.deep.equal([5]);
  });

  it('nothing saved, nothing damaged: the node boots as before', () => {
    const { world } = faultWorld();
    world.applyFault({
      kind: 'damage',
      node: 2,
      damage: 'flip',
      file: 'snapshot',
      wherePerMille: 3,
    });
    world.applyFault({ kind: 'restart', node: 2 });
    expect(world.host(2).alive).to.equal(true);
  });

  it('booting on damaged state without noticing is an error of its own', () => {
    const { world } = faultWorld(false);
    world.host(1).run(() => [save(4, 1, 2, 3)]);
    world.applyFault({
      kind: 'damage',
      node: 1,
      damage: 'flip',
      file: 'state',
      wherePerMille: 500,
    });
    expect(() => world.applyFault({ kind: 'restart', node: 1 })).to.throw(
      DamagedBootError,
      /node 1 booted on damaged saved state \(state: bit 4 of byte 2 of 4 flipped\)/,
    );
  });
  it('a node that throws while booting on damaged files, instead of refusing them, is caught', () => {
    const world = new World({
      nodes: 3,
      seed: 7,
      profile: reliable,
      // Reads its state without checking it, and trips over what the damage left.
      program: {
        ...probeProgram(),
        boot: (context: BootContext) => {
          if (context.raftState.length > 0 && context.raftState.length < 4)
            throw new RangeError('the saved state is shorter than its header');
          return new ProbeNode(context);
        },
      },
    });
    world.start();
    world.host(1).run(() => [save(4, 1, 2, 3)]);
    world.applyFault({
      kind: 'damage',
      node: 1,
      damage: 'truncate',
      file: 'state',
      wherePerMille: 500,
    });
    expect(() => world.applyFault({ kind: 'restart', node: 1 })).to.throw(
      DamagedBootError,
      /node 1 crashed booting on damaged saved state .* instead of refusing it: the saved state is shorter/,
    );
  });
  it('disk faults that undo each other leave the node free to boot', () => {
    const { world } = faultWorld(false);
    const withSnapshot = (snapshot: number[]): ProbeEffect => ({
      kind: 'persist',
      raftState: Uint8Array.from([4, 1, 2, 3]),
      snapshot: Uint8Array.from(snapshot),
    });
    world.host(1).run(() => [withSnapshot([9, 9, 9])]);
    const damage = { kind: 'damage', node: 1, file: 'snapshot', wherePerMille: 0 } as const;
    world.applyFault({ ...damage, damage: 'flip' });
    expect(world.host(1).damaged).to.equal(true);
    world.applyFault({ ...damage, damage: 'flip' }); // the same bit flipped back
    expect(world.host(1).damaged).to.equal(false);
    world.applyFault({ kind: 'restart', node: 1 });
    expect(world.host(1).alive).to.equal(true);
  });
});
